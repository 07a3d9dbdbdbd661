/** CHT app settings: the keys this project reads are typed; everything else is kept as it is. */
export interface RapidProSettings {
  url?: string;
  requests_per_hour?: number;
  poll_interval_seconds?: number;
  tracking_max_age_hours?: number;
  request_timeout_seconds?: number;
  [key: string]: unknown;
}

export interface SmsSettings {
  outgoing_service?: string;
  rapidpro?: RapidProSettings;
  [key: string]: unknown;
}

export interface AppSettings {
  sms?: SmsSettings;
  default_country_code?: number | string;
  phone_validation?: string;
  locale?: string;
  forms_only_mode?: boolean;
  forms?: Record<string, unknown>;
  [key: string]: unknown;
}

/** CHT keeps app settings in the main database, doc `settings`, under its `settings` key. */
export interface SettingsDoc {
  _id: 'settings';
  _rev?: string;
  settings?: AppSettings;
  [key: string]: unknown;
}

export const SETTINGS_DOC_ID = 'settings';
