;; The WebAssembly half of peek.ts: finds the next line of a block that may be a child
;; of a set of events, passing the others by from their bytes, by the rule of
;; `notAChildOf`. A line may be a child unless it holds no backslash, and every
;; `_event_id":` key in it (the real "parent_event_id" is among them) is followed by
;; `null` or by a plain ASCII string whose hash is not in the set's bitset.
(module
  (import "env" "mem" (memory 1 65536 shared))

  ;; The key's bytes: "_event_i" as an i64, then 'd', '"', ':'.
  (func $isKey (param $q i32) (param $end i32) (result i32)
    (if (result i32) (i32.gt_u (i32.add (local.get $q) (i32.const 11)) (local.get $end))
      (then (i32.const 0))
      (else
        (i32.and
          (i64.eq (i64.load align=1 (local.get $q)) (i64.const 0x695f746e6576655f))
          (i32.eq (i32.and (i32.load offset=7 align=1 (local.get $q)) (i32.const 0xffffff00)) (i32.const 0x3a226400))))))

  ;; 1 when the value at v (after a key) lets the line be a child: not null, not a
  ;; plain ASCII string, or a string whose hash is in the bitset at `bits`.
  (func $mayBeParent (param $v i32) (param $end i32) (param $bits i32) (result i32)
    (local $c i32) (local $h i32)
    (if (i32.and (i32.le_u (i32.add (local.get $v) (i32.const 4)) (local.get $end))
                 (i32.eq (i32.load align=1 (local.get $v)) (i32.const 0x6c6c756e)))
      (then (return (i32.const 0))))
    (if (i32.or (i32.ge_u (local.get $v) (local.get $end)) (i32.ne (i32.load8_u (local.get $v)) (i32.const 0x22)))
      (then (return (i32.const 1))))
    (loop $next
      (local.set $v (i32.add (local.get $v) (i32.const 1)))
      (if (i32.ge_u (local.get $v) (local.get $end)) (then (return (i32.const 1))))
      (local.set $c (i32.load8_u (local.get $v)))
      (if (i32.ne (local.get $c) (i32.const 0x22))
        (then
          ;; Non-ASCII, a backslash or the line's end: let JSON.parse decide.
          (if (i32.or (i32.ge_u (local.get $c) (i32.const 0x80))
                      (i32.or (i32.eq (local.get $c) (i32.const 0x5c)) (i32.eq (local.get $c) (i32.const 0x0a))))
            (then (return (i32.const 1))))
          (local.set $h (i32.add (i32.mul (local.get $h) (i32.const 31)) (local.get $c)))
          (br $next))))
    ;; Bit (h mod 2^20) of the set.
    (i32.and
      (i32.shr_u
        (i32.load8_u (i32.add (local.get $bits) (i32.shr_u (i32.and (local.get $h) (i32.const {BITS_MASK})) (i32.const 3))))
        (i32.and (local.get $h) (i32.const 7)))
      (i32.const 1)))

  ;; The start of the first line in [from, end) that may be a child (its end, `\r`
  ;; excluded, written as an i32 at `out`), or -1. A line is the bytes up to a newline
  ;; or to `end`; empty lines are skipped. (o1, b1), (o2, b2): the key's tuned pair.
  (func (export "child")
    (param $from i32) (param $end i32) (param $o1 i32) (param $b1 i32) (param $o2 i32) (param $b2 i32) (param $bits i32) (param $out i32)
    (result i32)
    (local $p i32) (local $q i32) (local $s i32) (local $e i32) (local $m i32) (local $c i32)
    (local $may i32) (local $seen i32) (local $v1 v128) (local $v2 v128)
    (local.set $v1 (i8x16.splat (local.get $b1)))
    (local.set $v2 (i8x16.splat (local.get $b2)))
    (local.set $s (local.get $from))
    (local.set $p (local.get $from))
    (block $tail
      (loop $step
        (br_if $tail (i32.gt_u (i32.add (i32.add (local.get $p) (local.get $o2)) (i32.const 16)) (local.get $end)))
        (local.set $m (i8x16.bitmask
          (v128.or
            (v128.or
              (i8x16.eq (v128.load (local.get $p)) (v128.const i8x16 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10))
              (i8x16.eq (v128.load (local.get $p)) (v128.const i8x16 92 92 92 92 92 92 92 92 92 92 92 92 92 92 92 92)))
            (v128.and
              (i8x16.eq (v128.load (i32.add (local.get $p) (local.get $o1))) (local.get $v1))
              (i8x16.eq (v128.load (i32.add (local.get $p) (local.get $o2))) (local.get $v2))))))
        (block $done
          (loop $each
            (br_if $done (i32.eqz (local.get $m)))
            (local.set $q (i32.add (local.get $p) (i32.ctz (local.get $m))))
            (local.set $m (i32.and (local.get $m) (i32.sub (local.get $m) (i32.const 1))))
            (local.set $c (i32.load8_u (local.get $q)))
            (if (i32.eq (local.get $c) (i32.const 0x0a))
              (then
                (local.set $e (select (i32.sub (local.get $q) (i32.const 1)) (local.get $q)
                  (i32.and (i32.gt_u (local.get $q) (local.get $s)) (i32.eq (i32.load8_u (i32.sub (local.get $q) (i32.const 1))) (i32.const 0x0d)))))
                (if (i32.and (i32.gt_u (local.get $e) (local.get $s)) (i32.or (local.get $may) (i32.eqz (local.get $seen))))
                  (then
                    (i32.store (local.get $out) (local.get $e))
                    (return (local.get $s))))
                (local.set $s (i32.add (local.get $q) (i32.const 1)))
                (local.set $may (i32.const 0))
                (local.set $seen (i32.const 0))
                (br $each)))
            (if (i32.eq (local.get $c) (i32.const 0x5c))
              (then
                (local.set $may (i32.const 1))
                (br $each)))
            (if (call $isKey (local.get $q) (local.get $end))
              (then
                (local.set $seen (i32.const 1))
                (if (call $mayBeParent (i32.add (local.get $q) (i32.const 11)) (local.get $end) (local.get $bits))
                  (then (local.set $may (i32.const 1))))))
            (br $each)))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $step)))
    ;; The last bytes, one at a time, then the line that ends at `end`.
    (block $last
      (loop $byte
        (br_if $last (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $c (i32.load8_u (local.get $p)))
        (if (i32.eq (local.get $c) (i32.const 0x0a))
          (then
            (local.set $e (select (i32.sub (local.get $p) (i32.const 1)) (local.get $p)
              (i32.and (i32.gt_u (local.get $p) (local.get $s)) (i32.eq (i32.load8_u (i32.sub (local.get $p) (i32.const 1))) (i32.const 0x0d)))))
            (if (i32.and (i32.gt_u (local.get $e) (local.get $s)) (i32.or (local.get $may) (i32.eqz (local.get $seen))))
              (then
                (i32.store (local.get $out) (local.get $e))
                (return (local.get $s))))
            (local.set $s (i32.add (local.get $p) (i32.const 1)))
            (local.set $may (i32.const 0))
            (local.set $seen (i32.const 0))))
        (if (i32.eq (local.get $c) (i32.const 0x5c)) (then (local.set $may (i32.const 1))))
        (if (call $isKey (local.get $p) (local.get $end))
          (then
            (local.set $seen (i32.const 1))
            (if (call $mayBeParent (i32.add (local.get $p) (i32.const 11)) (local.get $end) (local.get $bits))
              (then (local.set $may (i32.const 1))))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $byte)))
    (local.set $e (select (i32.sub (local.get $end) (i32.const 1)) (local.get $end)
      (i32.and (i32.gt_u (local.get $end) (local.get $s)) (i32.eq (i32.load8_u (i32.sub (local.get $end) (i32.const 1))) (i32.const 0x0d)))))
    (if (i32.and (i32.gt_u (local.get $e) (local.get $s)) (i32.or (local.get $may) (i32.eqz (local.get $seen))))
      (then
        (i32.store (local.get $out) (local.get $e))
        (return (local.get $s))))
    (i32.const -1))
)
