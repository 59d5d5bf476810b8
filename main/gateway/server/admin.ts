// The few management calls the headless gateway answers before the desktop issue's control contract exists:
// status, reload and the offline switch, under /_switchyard/api/ and behind the admin token (never a client token).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { ConfigError } from '../../config/load.js';
import type { GatewayStatus } from '../gateway.js';
import { presentedToken, type ClientTokenVerifier } from './auth.js';
import { parseJsonBody, readBody } from './body.js';
import { GatewayError, sendJson } from './errors.js';

export interface AdminHooks {
  readonly adminTokens: ClientTokenVerifier | undefined;
  readonly status: () => GatewayStatus;
  readonly reload: () => Promise<void>;
  readonly setOffline: (offline: boolean | undefined) => void;
}

export const adminPrefix = '/_switchyard/api/';

const offlineBody = z.strictObject({ offline: z.boolean().nullable() });

export async function handleAdmin(hooks: AdminHooks, path: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const token = presentedToken(request);
  if (!hooks.adminTokens || token === undefined || !hooks.adminTokens.verify(token)) {
    throw new GatewayError(401, 'management calls need the admin token (in the data dir: admin-token)', 'authentication_error', 'invalid_admin_token');
  }
  const call = `${request.method ?? ''} ${path.slice(adminPrefix.length)}`;
  switch (call) {
    case 'GET status':
      sendJson(response, 200, hooks.status());
      return;
    case 'POST reload':
      try {
        await hooks.reload();
      } catch (error) {
        if (error instanceof ConfigError) throw new GatewayError(400, error.message, 'invalid_request_error', 'invalid_config');
        throw error;
      }
      sendJson(response, 200, { reloaded: true, status: hooks.status() });
      return;
    case 'POST offline': {
      const parsed = offlineBody.safeParse(parseJsonBody(await readBody(request, 64 * 1024)));
      if (!parsed.success) throw new GatewayError(400, 'body must be {"offline": true | false | null}', 'invalid_request_error', 'invalid_value', 'offline');
      hooks.setOffline(parsed.data.offline ?? undefined);
      sendJson(response, 200, { offline: hooks.status().offline ?? null });
      return;
    }
    default:
      throw new GatewayError(404, `no such management call: ${call}`, 'not_found_error', 'unknown_url');
  }
}
