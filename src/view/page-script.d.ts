/** The script of `trace view`'s page, bundled from src/view/ by scripts/build-page.mjs. */
export declare const PAGE_SCRIPT: string;
