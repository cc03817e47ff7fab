// Police details as a request gives them, for a wearer (PUT /api/wearers/:id/police) and for an
// organisation (/api/organisations): the same URN rules and the same demand for a reason.
import { z } from 'zod';

/** Kept exactly as issued (case, slashes, inner spaces); only surrounding spaces go. '' = none. */
export const PoliceUrn = z
  .string()
  .transform((s) => s.trim())
  .pipe(
    z
      .string()
      .max(64, 'a URN is at most 64 characters')
      .regex(/^[^\x00-\x1f\x7f]*$/, 'a URN is one line of text'),
  )
  .transform((s) => (s === '' ? null : s))
  .nullable();

export const PoliceWithdrawnReason = z.string().trim().max(1000).nullable();

export const WITHDRAWAL_REASON_REQUIRED = 'say why police response was withdrawn; the operator is shown it';

/** The operator is shown why police must not be called: a withdrawal without a reason is refused. */
export function requireWithdrawalReason(
  input: { policeWithdrawn?: boolean; policeWithdrawnReason?: string | null },
  ctx: z.RefinementCtx,
): void {
  if (input.policeWithdrawn && !input.policeWithdrawnReason) {
    ctx.addIssue({ code: 'custom', path: ['policeWithdrawnReason'], message: WITHDRAWAL_REASON_REQUIRED });
  }
}

export const PoliceInput = z
  .object({
    urn: PoliceUrn,
    policeWithdrawn: z.boolean(),
    policeWithdrawnReason: PoliceWithdrawnReason.optional(),
  })
  .superRefine(requireWithdrawalReason);
