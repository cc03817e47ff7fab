// Who did something, as the audit log and an alarm's history record it.
export interface Actor {
  id: string | null;
  /** Email of a user, or `system`, or `ARC`, or `device:<id>`. */
  name: string;
}

/** The ARC itself acting on an alarm: escalating it, running its response plan, clearing its condition. */
export const ARC_ACTOR: Actor = { id: null, name: 'ARC' };

/** The ARC acting on anything else: the bootstrap administrator, a shift that ended by itself. */
export const SYSTEM_ACTOR: Actor = { id: null, name: 'system' };
