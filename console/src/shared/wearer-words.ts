// Words for a wearer's profile, the same on every screen.
import type { WearerView } from '../../../api/live/console-contract.js';

export const PROFILE_WORDS: Record<WearerView['profile'], string> = {
  lone_worker: 'Lone worker',
  dementia: 'Dementia / may wander',
  domestic_abuse: 'Domestic abuse',
  older_person: 'Older person at home',
  child: 'Child',
};

/** For a profile that came as plain text (e.g. in an alarm's detail). */
export const profileWords = (profile: string): string => (PROFILE_WORDS as Record<string, string>)[profile] ?? profile;
