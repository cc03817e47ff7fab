// A shift handover note: written by staff, read by the next shift.

export interface HandoverNote {
  id: string;
  author: string;
  text: string;
  createdAt: Date;
}
