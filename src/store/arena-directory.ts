/**
 * The shared-arena directory: where every (campaign, segment) posterior table lives in the arena.
 * Published through a JSON box by the single writer (main thread) and read by every worker.
 */
export interface DirectoryCampaign {
  /** Slots in use (the table's k): every slot below it has been assigned at some point. */
  readonly k: number;
  /** Slots each table of this campaign has room for. */
  readonly capacity: number;
  /** Current offers: offer id -> slot. Removed offers are absent (their slot is not reused). */
  readonly offers: Readonly<Record<string, number>>;
  /** Segment -> offset of its table in the arena, in Float64 words. */
  readonly segments: Readonly<Record<string, number>>;
}

export interface ArenaDirectory {
  readonly campaigns: Readonly<Record<string, DirectoryCampaign>>;
}

export const EMPTY_DIRECTORY: ArenaDirectory = { campaigns: {} };

export const WORD_BYTES = Float64Array.BYTES_PER_ELEMENT;
