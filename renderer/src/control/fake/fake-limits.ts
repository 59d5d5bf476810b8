// The fake control client's limits.*: rate limits per client token kept in memory.
import type { ClientLimitsDto, ControlApi } from '../../../../shared/control/contract';

export function fakeLimitsCalls(): Pick<ControlApi, 'limits.get' | 'limits.set'> {
  let limits: ClientLimitsDto = { everyClient: { requestsPerMinute: null, tokensPerMinute: null, concurrent: null }, clients: {} };
  return {
    'limits.get': async () => limits,
    'limits.set': async (input) => {
      limits = input;
      return limits;
    },
  };
}
