/** A folder edge of the import graph: the files behind it, and whether every import is type-only. */
export interface FolderEdge {
  from: string;
  to: string;
  typeOnly: boolean;
  files: Set<string>;
}

/** The import graph of a source tree and its cycles, each a sorted list of nodes. */
export function importCycles(src: string): {
  files: string[];
  graph: FolderEdge[];
  folderCycles: string[][];
  fileCycles: string[][];
};
