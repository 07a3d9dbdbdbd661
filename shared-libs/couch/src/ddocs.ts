/**
 * This project's design documents. `cht-rapidpro` holds four views keyed and valued exactly as
 * CHT's `medic-sms/gateway_messages_by_state`, `medic-sms/messages_by_gateway_ref`,
 * `medic-sms/messages_by_uuid` and `medic/messages_by_state`, so the service never needs (or
 * touches) CHT's own design docs. `cht-rapidpro-sentinel` holds the sentinel's tracking view.
 *
 * Map functions are ES5 source strings: CouchDB 3 runs them in its JavaScript query server, which
 * does not accept arrow functions or `let`.
 */
export interface DesignDoc {
  _id: string;
  _rev?: string;
  views: Record<string, { map: string; reduce?: string }>;
}

export const CHT_VIEWS_DDOC = 'cht-rapidpro';
export const SENTINEL_DDOC = 'cht-rapidpro-sentinel';

// Shared preamble: iterate tasks then scheduled_tasks, as CHT's views do.
const EACH_TASK = `
  var lists = [doc.tasks, doc.scheduled_tasks];
  var eachTask = function (fn) {
    for (var l = 0; l < lists.length; l++) {
      var tasks = lists[l];
      if (!tasks || typeof tasks.length !== 'number') { continue; }
      for (var t = 0; t < tasks.length; t++) {
        if (tasks[t]) { fn(tasks[t]); }
      }
    }
  };`;

const gatewayMessagesByState = `function (doc) {${EACH_TASK}
  eachTask(function (task) {
    if (!task.messages || !task.gateway_ref) { return; }
    for (var m = 0; m < task.messages.length; m++) {
      var msg = task.messages[m];
      if (msg && msg.uuid && msg.to && msg.message) {
        emit(task.state, { id: msg.uuid, gateway_ref: task.gateway_ref });
      }
    }
  });
}`;

const messagesByGatewayRef = `function (doc) {${EACH_TASK}
  eachTask(function (task) {
    if (!task.messages) { return; }
    for (var m = 0; m < task.messages.length; m++) {
      var msg = task.messages[m];
      if (msg && task.gateway_ref) {
        emit(task.gateway_ref, msg.uuid);
      }
    }
  });
  if (doc.type === 'data_record' && doc.sms_message && doc.sms_message.gateway_ref) {
    emit(doc.sms_message.gateway_ref, doc.sms_message.uuid);
  }
}`;

const messagesByUuid = `function (doc) {${EACH_TASK}
  eachTask(function (task) {
    if (!task.messages) { return; }
    for (var m = 0; m < task.messages.length; m++) {
      var msg = task.messages[m];
      if (msg && msg.uuid) {
        emit(msg.uuid);
      }
    }
  });
}`;

const messagesByState = `function (doc) {${EACH_TASK}
  eachTask(function (task) {
    var due = task.due || task.timestamp || doc.reported_date;
    if (typeof due === 'string') { due = Date.parse(due); }
    if (!task.messages) {
      emit([task.state, due], {});
      return;
    }
    for (var m = 0; m < task.messages.length; m++) {
      var msg = task.messages[m];
      if (msg && msg.uuid && msg.to && msg.message) {
        var value = { content: msg.message, to: msg.to, id: msg.uuid };
        emit([task.state, due], value);
        if (task.state === 'pending' || task.state === 'forwarded-to-gateway') {
          emit(['pending-or-forwarded', due], value);
        }
      }
    }
  });
}`;

/**
 * Messages this service sent and still follows, keyed by the RapidPro they went to:
 * [url, account] -> { uuid, broadcast_id, broadcast_uuid, created_on, urn, state }. Tasks in a
 * non-final gateway state that carry no `rapidpro` record (sent by something else, such as CHT's
 * own sender) are keyed [null, null] so /health can count them. With `_count`, group_level=2 gives
 * how many each RapidPro holds.
 */
const tracked = `function (doc) {${EACH_TASK}
  var FOLLOWED = { 'received-by-gateway': true, 'forwarded-by-gateway': true, 'sent': true };
  eachTask(function (task) {
    var info = task.rapidpro;
    if (!info) {
      if (FOLLOWED[task.state] && task.gateway_ref && task.messages && task.messages.length) {
        emit([null, null], { gateway_ref: task.gateway_ref, state: task.state });
      }
      return;
    }
    if (info.tracking_stopped_at || !info.messages || !FOLLOWED[task.state]) { return; }
    for (var i = 0; i < info.messages.length; i++) {
      var m = info.messages[i];
      if (m && FOLLOWED[m.state]) {
        emit([info.url, info.account], {
          uuid: m.uuid, broadcast_id: m.broadcast_id, broadcast_uuid: m.broadcast_uuid,
          created_on: m.created_on, urn: m.urn, state: m.state
        });
      }
    }
  });
}`;

export const DESIGN_DOCS: DesignDoc[] = [
  {
    _id: `_design/${CHT_VIEWS_DDOC}`,
    views: {
      gateway_messages_by_state: { map: gatewayMessagesByState },
      messages_by_gateway_ref: { map: messagesByGatewayRef },
      messages_by_uuid: { map: messagesByUuid },
      messages_by_state: { map: messagesByState },
    },
  },
  {
    _id: `_design/${SENTINEL_DDOC}`,
    views: {
      tracked: { map: tracked, reduce: '_count' },
    },
  },
];

/** CHT's own design docs: this project never creates, changes or deletes them. */
export const CHT_OWN_DDOCS = ['_design/medic', '_design/medic-sms', '_design/medic-client'];
