// Police details as BS 8484 has a force issue them: a URN per wearer or per organisation, and a
// withdrawal of police response. The rule that picks the one in force is api/rules/police-urn.ts.

export interface PoliceSetting {
  /** Exactly as the force issued it; null = none. */
  urn: string | null;
  policeWithdrawn: boolean;
  policeWithdrawnReason: string | null;
}

export const UrnSource = ['wearer', 'organisation'] as const;
export type UrnSource = (typeof UrnSource)[number];

export interface EffectivePolice extends PoliceSetting {
  /** Whose URN is quoted; null when neither has one. */
  urnSource: UrnSource | null;
}
