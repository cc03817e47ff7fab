// The kind of person a wearer is: it picks their default response plan (api/rules/response-plan.ts).
export const WearerProfile = ['lone_worker', 'dementia', 'domestic_abuse', 'older_person', 'child'] as const;
export type WearerProfile = (typeof WearerProfile)[number];
