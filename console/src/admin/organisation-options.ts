// Organisations for choosing a wearer's: their police URN applies when the wearer has none.
import type { OrganisationView } from '../../../api/live/console-contract.js';
import { callApi } from '../shared/api-client.js';

export type OrganisationOption = Pick<OrganisationView, 'id' | 'name' | 'urn'>;

/** null when they cannot be loaded (the choice is then left out, not shown empty). */
export async function loadOrganisations(): Promise<OrganisationOption[] | null> {
  const answer = await callApi<{ organisations: OrganisationView[] }>('GET', '/api/organisations');
  return answer.ok ? answer.body.organisations : null;
}
