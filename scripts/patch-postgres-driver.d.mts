export const MARKER: string;
export function patchedFiles(): string[];
export function patchDriver(): void;
