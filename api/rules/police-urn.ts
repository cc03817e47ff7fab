// Which police details an alarm uses. BS 8484 lets a force issue the police URN per wearer or per
// organisation; the wearer's own is the more specific and wins. A withdrawal follows the URN it
// was made against: the wearer's own flag always stops police response (it is about this person),
// the organisation's only while its URN is the one quoted. Pure (STYLE habit 3).

import { UrnSource, type EffectivePolice, type PoliceSetting } from '../domain/police.js';

// Defined in the core (api/domain/police.ts); re-exported for the code that reads them from here.
export { UrnSource, type EffectivePolice, type PoliceSetting };

const NOT_WITHDRAWN = { policeWithdrawn: false, policeWithdrawnReason: null } as const;

/** The police details in force for a wearer, from their own and their organisation's (null = none). */
export function effectivePolice(wearer: PoliceSetting, organisation: PoliceSetting | null): EffectivePolice {
  const urnSource: UrnSource | null = wearer.urn ? 'wearer' : organisation?.urn ? 'organisation' : null;
  const urn = urnSource === 'wearer' ? wearer.urn : urnSource === 'organisation' ? organisation!.urn : null;
  if (wearer.policeWithdrawn) {
    return { urn, urnSource, policeWithdrawn: true, policeWithdrawnReason: wearer.policeWithdrawnReason };
  }
  if (urnSource === 'organisation' && organisation!.policeWithdrawn) {
    return { urn, urnSource, policeWithdrawn: true, policeWithdrawnReason: organisation!.policeWithdrawnReason };
  }
  return { urn, urnSource, ...NOT_WITHDRAWN };
}
