/**
 * `swarm-trace/format`: the human renderings `trace` prints — timeline rows, descriptions,
 * the tree, the bad-line report — and the terminal escaper every stored byte passes.
 *
 * @example
 * import { renderRow, createStyle } from "swarm-trace/format";
 * console.log(renderRow(event, { utc: true, view: {}, style: createStyle(false) }));
 */
export { formatBadReport } from "../format/bad-report.js";
export { describe, label, type View } from "../format/describe.js";
export { createStyle, escapeControl, formatTime, wantsColour, type Style } from "../format/text.js";
export { renderRow, timelineHeader, type HeaderInput, type RowOptions } from "../format/timeline.js";
export { toJson } from "../format/json.js";
export { renderTree, treeJsonChunks, treeLines, treeToJson, type TreeLimits } from "../format/tree.js";
