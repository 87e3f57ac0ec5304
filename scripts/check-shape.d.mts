/** The violations of `files` (paths absolute or relative to the repository root), as printable lines. */
export function shapeViolations(files: string[]): string[];
