/**
 * Validation of the app settings this project reads (CONTRACT §4), with joi. Only these keys are
 * checked; every other CHT setting passes through untouched. Messages name the field by its path.
 */
import Joi from 'joi';

export const OUTGOING_SERVICES = ['medic-gateway', 'africas-talking', 'rapidpro', 'nepal-doit-sms'] as const;

const rapidproUrl = Joi.string()
  .trim()
  .uri({ scheme: ['http', 'https'] })
  .custom((value: string, helpers) => {
    const url = new URL(value);
    if (url.username || url.password) {
      return helpers.message({ custom: '{{#label}} must not contain a user name or password; store the API token with PUT /api/v1/credentials/rapidpro:outgoing' });
    }
    if (url.search || url.hash) {
      return helpers.message({ custom: '{{#label}} must be the RapidPro base URL, without a query or fragment' });
    }
    return value;
  });

const rapidproSchema = Joi.object({
  url: rapidproUrl,
  requests_per_hour: Joi.number().integer().min(1).max(1000000),
  poll_interval_seconds: Joi.number().greater(0).max(86400),
  tracking_max_age_hours: Joi.number().greater(0).max(24 * 365),
  request_timeout_seconds: Joi.number().greater(0).max(300),
}).unknown(true);

const smsSchema = Joi.object({
  outgoing_service: Joi.string().trim().min(1),
  rapidpro: rapidproSchema,
}).unknown(true);

const settingsSchema = Joi.object({
  sms: smsSchema,
  default_country_code: Joi.alternatives(Joi.number().integer().min(1).max(999), Joi.string().pattern(/^\+?\d{1,3}$/)),
  phone_validation: Joi.string().valid('full', 'partial', 'none').insensitive(),
}).unknown(true);

export interface SettingsProblem {
  path: string;
  message: string;
}

/** Problems with the settings this project reads; an empty list when they are valid. */
export function validateSettings(settings: unknown): SettingsProblem[] {
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) {
    return [{ path: '', message: 'settings must be a JSON object' }];
  }
  const { error } = settingsSchema.validate(settings, { abortEarly: false, convert: false });
  if (!error) {
    return [];
  }
  return error.details.map((d) => ({ path: d.path.join('.'), message: d.message }));
}
