;; A filtered scan of one block in one call (src/engine/block-match.ts): candidates from
;; the pair search (needle.wat), confirmed against the whole needle, bounded to their
;; lines, proved events by the check (line-check.wat) and decided against the filter
;; on their bytes. JavaScript sees only the lines that pass, and those it must parse.
;;
;; The filter at `spec`, the check's record at `rec` and the answers at `out` are laid
;; out in layout.ts: each name in braces here is one of its constants, filled in by
;; the build.
(module
  (import "env" "mem" (memory 1 65536 shared))
  (import "env" "next" (func $next (param i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "env" "check" (func $check (param i32 i32 i32) (result i32)))

  ;; 1 when the n bytes at b also stand at a.
  (func $same (param $a i32) (param $b i32) (param $n i32) (result i32)
    (local $k i32)
    (loop $next
      (if (i32.lt_u (local.get $k) (local.get $n))
        (then
          (if (i32.ne (i32.load8_u (i32.add (local.get $a) (local.get $k))) (i32.load8_u (i32.add (local.get $b) (local.get $k))))
            (then (return (i32.const 0))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $next))))
    (i32.const 1))

  ;; Where the line holding p starts: after the last newline in [from, p), else from.
  (func $lineStart (param $p i32) (param $from i32) (result i32)
    (local $bits i32)
    (block $tail
      (loop $simd
        (br_if $tail (i32.lt_u (i32.sub (local.get $p) (local.get $from)) (i32.const 16)))
        (local.set $bits (i8x16.bitmask (i8x16.eq (v128.load (i32.sub (local.get $p) (i32.const 16)))
          (v128.const i8x16 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10))))
        ;; The highest lane set is the last newline; the line starts just after it.
        (if (local.get $bits) (then (return (i32.sub (i32.add (local.get $p) (i32.const 16)) (i32.clz (local.get $bits))))))
        (local.set $p (i32.sub (local.get $p) (i32.const 16)))
        (br $simd)))
    (loop $scalar
      (if (i32.gt_u (local.get $p) (local.get $from))
        (then
          (if (i32.eq (i32.load8_u (i32.sub (local.get $p) (i32.const 1))) (i32.const 10)) (then (return (local.get $p))))
          (local.set $p (i32.sub (local.get $p) (i32.const 1)))
          (br $scalar))))
    (local.get $from))

  ;; The first newline in [p, end), else end.
  (func $lineEnd (param $p i32) (param $end i32) (result i32)
    (local $bits i32)
    (block $tail
      (loop $simd
        (br_if $tail (i32.gt_u (i32.add (local.get $p) (i32.const 16)) (local.get $end)))
        (local.set $bits (i8x16.bitmask (i8x16.eq (v128.load (local.get $p))
          (v128.const i8x16 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10))))
        (if (local.get $bits) (then (return (i32.add (local.get $p) (i32.ctz (local.get $bits))))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $simd)))
    (loop $scalar
      (if (i32.lt_u (local.get $p) (local.get $end))
        (then
          (if (i32.eq (i32.load8_u (local.get $p)) (i32.const 10)) (then (return (local.get $p))))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $scalar))))
    (local.get $end))

  ;; The record's entry for field f (see line-check.wat's `check`).
  (func $entry (param $rec i32) (param $f i32) (result i32)
    (i32.add (local.get $rec) (i32.shl (local.get $f) (i32.const {REC_FIELD_SHIFT}))))

  (func $kind (param $rec i32) (param $f i32) (result i32)
    (i32.load (call $entry (local.get $rec) (local.get $f))))

  (func $nonEmpty (param $rec i32) (param $f i32) (result i32)
    (local $at i32)
    (local.set $at (call $entry (local.get $rec) (local.get $f)))
    (i32.and (i32.eq (i32.load (local.get $at)) (i32.const {KIND_STRING})) (i32.gt_s (i32.load offset={REC_END} (local.get $at)) (i32.load offset={REC_START} (local.get $at)))))

  (func $link (param $rec i32) (param $f i32) (result i32)
    (local $k i32)
    (local.set $k (call $kind (local.get $rec) (local.get $f)))
    (i32.or (i32.eq (local.get $k) (i32.const {KIND_STRING})) (i32.eq (local.get $k) (i32.const {KIND_NULL}))))

  ;; isEvent (event/envelope.ts) on the record, as isEventShape in line-check.ts.
  (func $shape (param $rec i32) (result i32)
    (i32.and
      (i32.and
        (i32.and (call $nonEmpty (local.get $rec) (i32.const {F_ID})) (i32.eq (call $kind (local.get $rec) (i32.const {F_TIMESTAMP})) (i32.const {KIND_INTEGER})))
        (i32.and (call $nonEmpty (local.get $rec) (i32.const {F_PRIMITIVE})) (call $nonEmpty (local.get $rec) (i32.const {F_EVENT_TYPE}))))
      (i32.and
        (i32.and (call $link (local.get $rec) (i32.const {F_AGENT})) (call $link (local.get $rec) (i32.const {F_TARGET})))
        (i32.and (call $link (local.get $rec) (i32.const {F_PARENT})) (i32.eq (call $kind (local.get $rec) (i32.const {F_METADATA})) (i32.const {KIND_OBJECT}))))))

  ;; A string field against the n bytes at v: 1 equal, 0 not, 2 not sure (it holds escapes).
  (func $equals (param $rec i32) (param $f i32) (param $v i32) (param $n i32) (result i32)
    (local $at i32)
    (local.set $at (call $entry (local.get $rec) (local.get $f)))
    (if (i32.ne (i32.load (local.get $at)) (i32.const {KIND_STRING})) (then (return (i32.const 0))))
    (if (i32.load offset={REC_ESCAPED} (local.get $at)) (then (return (i32.const 2))))
    (if (i32.ne (i32.sub (i32.load offset={REC_END} (local.get $at)) (i32.load offset={REC_START} (local.get $at))) (local.get $n)) (then (return (i32.const 0))))
    (call $same (i32.load offset={REC_START} (local.get $at)) (local.get $v) (local.get $n)))

  ;; The line [s, e) against the filter: 1 passes, 0 not, 2 JSON.parse must decide.
  ;; The order of the tests is the JavaScript matcher's (createLineMatcher).
  (func $decide (param $s i32) (param $e i32) (param $spec i32) (param $rec i32) (result i32)
    (local $ts f64) (local $k i32) (local $n i32) (local $w i32) (local $r i32)
    (if (i32.eqz (call $check (local.get $s) (local.get $e) (local.get $rec))) (then (return (i32.const 2))))
    (if (i32.eqz (call $shape (local.get $rec))) (then (return (i32.const 2))))
    (local.set $ts (f64.load offset={REC_TIMESTAMP} (local.get $rec)))
    (if (i32.eqz (i32.and (f64.ge (local.get $ts) (f64.load offset={SPEC_SINCE} (local.get $spec))) (f64.le (local.get $ts) (f64.load offset={SPEC_UNTIL} (local.get $spec)))))
      (then (return (i32.const 0))))
    (local.set $n (i32.load offset={SPEC_WANTS} (local.get $spec)))
    (local.set $w (i32.add (local.get $spec) (i32.const {SPEC_FIELDS})))
    (loop $want
      (if (i32.lt_u (local.get $k) (local.get $n))
        (then
          (local.set $r (call $equals (local.get $rec) (i32.load (local.get $w)) (i32.load offset={WANT_ADDRESS} (local.get $w)) (i32.load offset={WANT_LENGTH} (local.get $w))))
          (if (i32.ne (local.get $r) (i32.const 1)) (then (return (select (i32.const 2) (i32.const 0) (i32.eq (local.get $r) (i32.const 2))))))
          (local.set $w (i32.add (local.get $w) (i32.const {WANT_BYTES})))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $want))))
    (if (i32.eqz (i32.load offset={SPEC_HAS_OWN} (local.get $spec))) (then (return (i32.const 1))))
    ;; Own: the agent, else the target.
    (local.set $r (call $equals (local.get $rec) (i32.const {F_AGENT}) (i32.load offset={SPEC_OWN} (local.get $spec)) (i32.load offset={SPEC_OWN_LENGTH} (local.get $spec))))
    (if (local.get $r) (then (return (local.get $r))))
    (call $equals (local.get $rec) (i32.const {F_TARGET}) (i32.load offset={SPEC_OWN} (local.get $spec)) (i32.load offset={SPEC_OWN_LENGTH} (local.get $spec))))

  ;; The lines of [from, end) (from a line start) that hold the needle, or an escape that
  ;; could spell it (every line when the needle's length is 0), decided: for each that
  ;; passes (1) or must be parsed (2), an answer at out: start, end (without the newline
  ;; or \r), the verdict and the timestamp. Stops after `max` lines; writes where to go on
  ;; (end: done) and how many answers are 2.
  (func (export "match") (param $from i32) (param $end i32) (param $spec i32) (param $rec i32) (param $out i32) (param $max i32) (result i32)
    (local $p i32) (local $hit i32) (local $s i32) (local $e i32) (local $t i32) (local $v i32) (local $n i32) (local $at i32)
    (local $needle i32) (local $len i32) (local $unsure i32)
    (local.set $needle (i32.load (local.get $spec)))
    (local.set $len (i32.load offset={SPEC_NEEDLE_LENGTH} (local.get $spec)))
    (local.set $p (local.get $from))
    (block $done
      (loop $search
        (if (local.get $len)
          (then
            (local.set $hit (call $next (local.get $p) (local.get $end)
              (i32.load offset={SPEC_O1} (local.get $spec)) (i32.load offset={SPEC_B1} (local.get $spec))
              (i32.load offset={SPEC_O2} (local.get $spec)) (i32.load offset={SPEC_B2} (local.get $spec)) (i32.const 0x5c)))
            (br_if $done (i32.lt_s (local.get $hit) (i32.const 0)))
            (local.set $p (i32.add (local.get $hit) (i32.const 1)))
            (br_if $search (i32.eqz
              (if (result i32) (i32.eq (i32.load8_u (local.get $hit)) (i32.const 0x5c))
                ;; \u and \/ can spell the needle's characters another way.
                (then (i32.and (i32.lt_u (local.get $p) (local.get $end))
                  (i32.or (i32.eq (i32.load8_u offset=1 (local.get $hit)) (i32.const 0x75)) (i32.eq (i32.load8_u offset=1 (local.get $hit)) (i32.const 0x2f)))))
                (else (i32.and (i32.le_u (i32.add (local.get $hit) (local.get $len)) (local.get $end))
                  (call $same (local.get $hit) (local.get $needle) (local.get $len)))))))
            (local.set $s (call $lineStart (local.get $hit) (local.get $from))))
          ;; No needle: every line is a candidate, and `p` stands at the next one's start.
          (else
            (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
            (local.set $s (local.get $p))
            (local.set $hit (local.get $p))))
        (local.set $e (call $lineEnd (local.get $hit) (local.get $end)))
        (local.set $p (i32.add (local.get $e) (i32.const 1)))
        (local.set $t (select (i32.sub (local.get $e) (i32.const 1)) (local.get $e)
          (i32.and (i32.gt_u (local.get $e) (local.get $s)) (i32.eq (i32.load8_u (i32.sub (local.get $e) (i32.const 1))) (i32.const 0x0d)))))
        ;; An empty line is no line (as eachLine has it); only the every-line search meets one.
        (br_if $search (i32.eq (local.get $t) (local.get $s)))
        (local.set $v (call $decide (local.get $s) (local.get $t) (local.get $spec) (local.get $rec)))
        (if (local.get $v)
          (then
            (local.set $at (i32.add (local.get $out) (i32.mul (local.get $n) (i32.const {ANSWER_BYTES}))))
            (i32.store (local.get $at) (local.get $s))
            (i32.store offset={ANSWER_END} (local.get $at) (local.get $t))
            (i32.store offset={ANSWER_VERDICT} (local.get $at) (local.get $v))
            (f64.store offset={ANSWER_TIMESTAMP} (local.get $at) (f64.load offset={REC_TIMESTAMP} (local.get $rec)))
            (local.set $n (i32.add (local.get $n) (i32.const 1)))
            (local.set $unsure (i32.add (local.get $unsure) (i32.eq (local.get $v) (i32.const 2))))
            (if (i32.eq (local.get $n) (local.get $max))
              (then
                (i32.store offset={SPEC_STOPPED_AT} (local.get $spec) (local.get $p))
                (i32.store offset={SPEC_UNSURE} (local.get $spec) (local.get $unsure))
                (return (local.get $n))))))
        (br $search)))
    (i32.store offset={SPEC_STOPPED_AT} (local.get $spec) (local.get $end))
    (i32.store offset={SPEC_UNSURE} (local.get $spec) (local.get $unsure))
    (local.get $n))

  ;; Moves the lines that passed, of n answers at `out`, to `dst` onward, each followed by
  ;; a newline, and rewrites their start and end as offsets from `base` in their new place;
  ;; returns where the next line goes. Lines only move toward the block's start, so none
  ;; is overwritten before it moves; lines to parse are not moved (parse them first).
  (func (export "gather") (param $out i32) (param $n i32) (param $dst i32) (param $base i32) (result i32)
    (local $k i32) (local $at i32) (local $s i32) (local $len i32)
    (loop $each
      (if (i32.lt_u (local.get $k) (local.get $n))
        (then
          (local.set $at (i32.add (local.get $out) (i32.mul (local.get $k) (i32.const {ANSWER_BYTES}))))
          (if (i32.eq (i32.load offset={ANSWER_VERDICT} (local.get $at)) (i32.const 1))
            (then
              (local.set $s (i32.load (local.get $at)))
              (local.set $len (i32.sub (i32.load offset={ANSWER_END} (local.get $at)) (local.get $s)))
              (memory.copy (local.get $dst) (local.get $s) (local.get $len))
              (i32.store8 (i32.add (local.get $dst) (local.get $len)) (i32.const 10))
              (i32.store (local.get $at) (i32.sub (local.get $dst) (local.get $base)))
              (i32.store offset={ANSWER_END} (local.get $at) (i32.sub (i32.add (local.get $dst) (local.get $len)) (local.get $base)))
              (local.set $dst (i32.add (local.get $dst) (i32.add (local.get $len) (i32.const 1))))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $each))))
    (local.get $dst))

  ;; The last timestamp of n answers at `out` when they rise strictly from `prev`, else NaN
  ;; (the reorder window passes a run in strict order on as it is).
  (func (export "ordered") (param $out i32) (param $n i32) (param $prev f64) (result f64)
    (local $k i32) (local $ts f64)
    (loop $each
      (if (i32.lt_u (local.get $k) (local.get $n))
        (then
          (local.set $ts (f64.load offset={ANSWER_TIMESTAMP} (i32.add (local.get $out) (i32.mul (local.get $k) (i32.const {ANSWER_BYTES})))))
          (if (i32.eqz (f64.gt (local.get $ts) (local.get $prev))) (then (return (f64.const nan))))
          (local.set $prev (local.get $ts))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $each))))
    (local.get $prev))
)
