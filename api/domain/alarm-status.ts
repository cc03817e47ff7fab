// The operator side of an alarm (who handles it); its condition (active / cleared) is apart
// (STYLE habit 5). The rules move it (api/rules/alarm-lifecycle.ts); the contract shows it.
export const AlarmStatus = { raised: 'raised', accepted: 'accepted', resolved: 'resolved' } as const;
export type AlarmStatus = (typeof AlarmStatus)[keyof typeof AlarmStatus];
