;; The WebAssembly half of line-check.ts: decides that a line is one JSON object, by
;; the grammar JSON.parse applies, and notes where its top-level event fields stand.
;; It may only err on the side of "not sure" (0): a caller then parses the line itself.
;; Bytes of 0x80 and above are accepted inside strings only: Node's UTF-8 decoding
;; turns them into characters (U+FFFD at worst) and never swallows an ASCII byte.
;;
;; Whitespace is rare (our writer emits none), so a call to $ws is made only where the
;; next byte could be some.
;;
;; For the duration of a check the byte after the line is set to 0, which no token
;; holds: every loop stops there without testing for the end. Loads may read up to
;; 16 bytes past it, which the caller's memory layout leaves room for.
(module
  (import "env" "mem" (memory 1 65536 shared))
  ;; Set when a string just read held a backslash.
  (global $esc (mut i32) (i32.const 0))
  (global $depth (mut i32) (i32.const 0))

  ;; Past JSON whitespace (space, tab, CR, LF) from p.
  (func $ws (param $p i32) (result i32)
    (local $c i32)
    (loop $next
      (local.set $c (i32.load8_u (local.get $p)))
      (if (i32.or (i32.or (i32.eq (local.get $c) (i32.const 0x20)) (i32.eq (local.get $c) (i32.const 0x09)))
                  (i32.or (i32.eq (local.get $c) (i32.const 0x0d)) (i32.eq (local.get $c) (i32.const 0x0a))))
        (then
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $next))))
    (local.get $p))

  (func $isHex (param $c i32) (result i32)
    (i32.or
      (i32.lt_u (i32.sub (local.get $c) (i32.const 0x30)) (i32.const 10))
      (i32.lt_u (i32.sub (i32.or (local.get $c) (i32.const 0x20)) (i32.const 0x61)) (i32.const 6))))

  ;; A string whose opening quote is at p: where it ends (after the closing quote), or -1.
  ;; Skips 16 bytes at a time while none is a quote, a backslash or a control byte.
  (func $string (param $p i32) (result i32)
    (local $c i32) (local $bits i32) (local $v v128)
    (local.set $p (i32.add (local.get $p) (i32.const 1)))
    (loop $next
      (local.set $v (v128.load (local.get $p)))
      (local.set $bits (i8x16.bitmask
        (v128.or
          (v128.or (i8x16.eq (local.get $v) (v128.const i8x16 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22))
                   (i8x16.eq (local.get $v) (v128.const i8x16 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c)))
          (i8x16.lt_u (local.get $v) (v128.const i8x16 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20)))))
      (if (i32.eqz (local.get $bits))
        (then
          (local.set $p (i32.add (local.get $p) (i32.const 16)))
          (br $next)))
      (local.set $p (i32.add (local.get $p) (i32.ctz (local.get $bits))))
      (local.set $c (i32.load8_u (local.get $p)))
      (if (i32.eq (local.get $c) (i32.const 0x22)) (then (return (i32.add (local.get $p) (i32.const 1)))))
      (if (i32.lt_u (local.get $c) (i32.const 0x20)) (then (return (i32.const -1))))
      ;; A backslash.
      (global.set $esc (i32.const 1))
      (local.set $c (i32.load8_u offset=1 (local.get $p)))
      (if (i32.eq (local.get $c) (i32.const 0x75))
        (then
          (if (i32.eqz (i32.and
                (i32.and (call $isHex (i32.load8_u offset=2 (local.get $p))) (call $isHex (i32.load8_u offset=3 (local.get $p))))
                (i32.and (call $isHex (i32.load8_u offset=4 (local.get $p))) (call $isHex (i32.load8_u offset=5 (local.get $p))))))
            (then (return (i32.const -1))))
          (local.set $p (i32.add (local.get $p) (i32.const 6)))
          (br $next)))
      ;; " \ / b f n r t
      (if (i32.eqz (i32.or (i32.or (i32.or (i32.eq (local.get $c) (i32.const 0x22)) (i32.eq (local.get $c) (i32.const 0x5c)))
                                   (i32.or (i32.eq (local.get $c) (i32.const 0x2f)) (i32.eq (local.get $c) (i32.const 0x62))))
                           (i32.or (i32.or (i32.eq (local.get $c) (i32.const 0x66)) (i32.eq (local.get $c) (i32.const 0x6e)))
                                   (i32.or (i32.eq (local.get $c) (i32.const 0x72)) (i32.eq (local.get $c) (i32.const 0x74))))))
        (then (return (i32.const -1))))
      (local.set $p (i32.add (local.get $p) (i32.const 2)))
      (br $next))
    (i32.const -1))

  ;; Past the digits from p.
  (func $digits (param $p i32) (result i32)
    (loop $next
      (if (i32.lt_u (i32.sub (i32.load8_u (local.get $p)) (i32.const 0x30)) (i32.const 10))
        (then
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $next))))
    (local.get $p))

  ;; A number at p: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?; where it ends, or -1.
  (func $number (param $p i32) (result i32)
    (local $q i32)
    (if (i32.eq (i32.load8_u (local.get $p)) (i32.const 0x2d)) (then (local.set $p (i32.add (local.get $p) (i32.const 1)))))
    (if (i32.eq (i32.load8_u (local.get $p)) (i32.const 0x30))
      (then (local.set $p (i32.add (local.get $p) (i32.const 1))))
      (else
        (if (i32.ge_u (i32.sub (i32.load8_u (local.get $p)) (i32.const 0x31)) (i32.const 9)) (then (return (i32.const -1))))
        (local.set $p (call $digits (local.get $p)))))
    (if (i32.eq (i32.load8_u (local.get $p)) (i32.const 0x2e))
      (then
        (local.set $q (call $digits (i32.add (local.get $p) (i32.const 1))))
        (if (i32.eq (local.get $q) (i32.add (local.get $p) (i32.const 1))) (then (return (i32.const -1))))
        (local.set $p (local.get $q))))
    (if (i32.eq (i32.or (i32.load8_u (local.get $p)) (i32.const 0x20)) (i32.const 0x65))
      (then
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (if (i32.or (i32.eq (i32.load8_u (local.get $p)) (i32.const 0x2b)) (i32.eq (i32.load8_u (local.get $p)) (i32.const 0x2d)))
          (then (local.set $p (i32.add (local.get $p) (i32.const 1)))))
        (local.set $q (call $digits (local.get $p)))
        (if (i32.eq (local.get $q) (local.get $p)) (then (return (i32.const -1))))
        (local.set $p (local.get $q))))
    (local.get $p))

  ;; Any JSON value at p: where it ends, or -1.
  (func $value (param $p i32) (result i32)
    (local $c i32)
    (local.set $c (i32.load8_u (local.get $p)))
    (if (i32.eq (local.get $c) (i32.const 0x22)) (then (return (call $string (local.get $p)))))
    (if (i32.eq (local.get $c) (i32.const 0x7b)) (then (return (call $container (local.get $p) (i32.const 0x7d)))))
    (if (i32.eq (local.get $c) (i32.const 0x5b)) (then (return (call $container (local.get $p) (i32.const 0x5d)))))
    ;; The sentinel stops a literal cut short: it differs from every letter compared.
    (if (i32.eq (local.get $c) (i32.const 0x74))
      (then (return (select (i32.add (local.get $p) (i32.const 4)) (i32.const -1) (i32.eq (i32.load align=1 (local.get $p)) (i32.const 0x65757274))))))
    (if (i32.eq (local.get $c) (i32.const 0x6e))
      (then (return (select (i32.add (local.get $p) (i32.const 4)) (i32.const -1) (i32.eq (i32.load align=1 (local.get $p)) (i32.const 0x6c6c756e))))))
    (if (i32.eq (local.get $c) (i32.const 0x66))
      (then (return (select (i32.add (local.get $p) (i32.const 5)) (i32.const -1)
        (i32.and (i32.eq (i32.load align=1 (local.get $p)) (i32.const 0x736c6166)) (i32.eq (i32.load8_u offset=4 (local.get $p)) (i32.const 0x65)))))))
    (call $number (local.get $p)))

  ;; An object (close = '}') or array (close = ']') opening at p: where it ends, or -1.
  ;; Deep nesting is left to JSON.parse: the Wasm stack is smaller than its limits.
  (func $container (param $p i32) (param $close i32) (result i32)
    (global.set $depth (i32.add (global.get $depth) (i32.const 1)))
    (if (i32.gt_u (global.get $depth) (i32.const 64)) (then (return (i32.const -1))))
    (local.set $p (if (result i32) (i32.le_u (i32.load8_u (i32.add (local.get $p) (i32.const 1))) (i32.const 0x20)) (then (call $ws (i32.add (local.get $p) (i32.const 1)))) (else (i32.add (local.get $p) (i32.const 1)))))
    (if (i32.ne (i32.load8_u (local.get $p)) (local.get $close))
      (then
        (loop $member
          (if (i32.eq (local.get $close) (i32.const 0x7d))
            (then
              (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x22)) (then (return (i32.const -1))))
              (local.set $p (call $string (local.get $p)))
              (if (i32.lt_s (local.get $p) (i32.const 0)) (then (return (i32.const -1))))
              (local.set $p (if (result i32) (i32.le_u (i32.load8_u (local.get $p)) (i32.const 0x20)) (then (call $ws (local.get $p))) (else (local.get $p))))
              (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x3a)) (then (return (i32.const -1))))
              (local.set $p (if (result i32) (i32.le_u (i32.load8_u (i32.add (local.get $p) (i32.const 1))) (i32.const 0x20)) (then (call $ws (i32.add (local.get $p) (i32.const 1)))) (else (i32.add (local.get $p) (i32.const 1)))))))
          (local.set $p (call $value (local.get $p)))
          (if (i32.lt_s (local.get $p) (i32.const 0)) (then (return (i32.const -1))))
          (local.set $p (if (result i32) (i32.le_u (i32.load8_u (local.get $p)) (i32.const 0x20)) (then (call $ws (local.get $p))) (else (local.get $p))))
          (if (i32.eq (i32.load8_u (local.get $p)) (i32.const 0x2c))
            (then
              (local.set $p (if (result i32) (i32.le_u (i32.load8_u (i32.add (local.get $p) (i32.const 1))) (i32.const 0x20)) (then (call $ws (i32.add (local.get $p) (i32.const 1)))) (else (i32.add (local.get $p) (i32.const 1)))))
              (br $member))))
        (if (i32.ne (i32.load8_u (local.get $p)) (local.get $close)) (then (return (i32.const -1))))))
    (global.set $depth (i32.sub (global.get $depth) (i32.const 1)))
    (i32.add (local.get $p) (i32.const 1)))

  ;; Which event field the key in [s, e) names (layout.ts's F_ constants), or -1.
  (func $field (param $s i32) (param $e i32) (result i32)
    (local $n i32)
    (local.set $n (i32.sub (local.get $e) (local.get $s)))
    (if (i32.eq (local.get $n) (i32.const 2))
      (then (return (select (i32.const {F_ID}) (i32.const -1) (i32.eq (i32.load16_u align=1 (local.get $s)) (i32.const 0x6469))))))
    (if (i32.eq (local.get $n) (i32.const 8))
      (then
        (if (i64.eq (i64.load align=1 (local.get $s)) (i64.const 0x64695f746e656761)) (then (return (i32.const {F_AGENT}))))
        (return (select (i32.const {F_METADATA}) (i32.const -1) (i64.eq (i64.load align=1 (local.get $s)) (i64.const 0x617461646174656d))))))
    (if (i32.eq (local.get $n) (i32.const 9))
      (then
        (if (i32.and (i64.eq (i64.load align=1 (local.get $s)) (i64.const 0x6d617473656d6974)) (i32.eq (i32.load8_u offset=8 (local.get $s)) (i32.const 0x70)))
          (then (return (i32.const {F_TIMESTAMP}))))
        (if (i32.and (i64.eq (i64.load align=1 (local.get $s)) (i64.const 0x766974696d697270)) (i32.eq (i32.load8_u offset=8 (local.get $s)) (i32.const 0x65)))
          (then (return (i32.const {F_PRIMITIVE}))))
        (return (select (i32.const {F_TARGET}) (i32.const -1)
          (i32.and (i64.eq (i64.load align=1 (local.get $s)) (i64.const 0x695f746567726174)) (i32.eq (i32.load8_u offset=8 (local.get $s)) (i32.const 0x64)))))))
    (if (i32.eq (local.get $n) (i32.const 10))
      (then (return (select (i32.const {F_EVENT_TYPE}) (i32.const -1)
        (i32.and (i64.eq (i64.load align=1 (local.get $s)) (i64.const 0x79745f746e657665)) (i32.eq (i32.load16_u offset=8 align=1 (local.get $s)) (i32.const 0x6570)))))))
    (if (i32.eq (local.get $n) (i32.const 15))
      (then (return (select (i32.const {F_PARENT}) (i32.const -1)
        (i32.and (i64.eq (i64.load align=1 (local.get $s)) (i64.const 0x655f746e65726170)) (i64.eq (i64.load offset=7 align=1 (local.get $s)) (i64.const 0x64695f746e657665)))))))
    (i32.const -1))

  ;; The value of a plain integer of at most 15 digits in [s, e) (exact as a double), or NaN.
  (func $integer (param $s i32) (param $e i32) (result f64)
    (local $v i64) (local $neg i32) (local $p i32)
    (local.set $neg (i32.eq (i32.load8_u (local.get $s)) (i32.const 0x2d)))
    (local.set $p (i32.add (local.get $s) (local.get $neg)))
    (if (i32.or (i32.gt_u (i32.sub (local.get $e) (local.get $p)) (i32.const 15))
                (i32.ne (call $digits (local.get $p)) (local.get $e)))
      (then (return (f64.const nan))))
    (loop $next
      (if (i32.lt_u (local.get $p) (local.get $e))
        (then
          (local.set $v (i64.add (i64.mul (local.get $v) (i64.const 10)) (i64.extend_i32_u (i32.sub (i32.load8_u (local.get $p)) (i32.const 0x30)))))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $next))))
    (select (f64.neg (f64.convert_i64_s (local.get $v))) (f64.convert_i64_s (local.get $v)) (local.get $neg)))

  ;; The top-level object, members recorded: see `check`.
  (func $event (param $s i32) (param $e i32) (param $out i32) (result i32)
    (local $p i32) (local $k i32) (local $f i32) (local $c i32) (local $v i32) (local $kind i32) (local $at i32)
    (local.set $p (if (result i32) (i32.le_u (i32.load8_u (local.get $s)) (i32.const 0x20)) (then (call $ws (local.get $s))) (else (local.get $s))))
    (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x7b)) (then (return (i32.const 0))))
    (local.set $p (if (result i32) (i32.le_u (i32.load8_u (i32.add (local.get $p) (i32.const 1))) (i32.const 0x20)) (then (call $ws (i32.add (local.get $p) (i32.const 1)))) (else (i32.add (local.get $p) (i32.const 1)))))
    (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x7d))
      (then
        (loop $member
          (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x22)) (then (return (i32.const 0))))
          (global.set $esc (i32.const 0))
          (local.set $k (call $string (local.get $p)))
          (if (i32.or (i32.lt_s (local.get $k) (i32.const 0)) (global.get $esc)) (then (return (i32.const 0))))
          (local.set $f (call $field (i32.add (local.get $p) (i32.const 1)) (i32.sub (local.get $k) (i32.const 1))))
          (local.set $p (if (result i32) (i32.le_u (i32.load8_u (local.get $k)) (i32.const 0x20)) (then (call $ws (local.get $k))) (else (local.get $k))))
          (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x3a)) (then (return (i32.const 0))))
          (local.set $p (if (result i32) (i32.le_u (i32.load8_u (i32.add (local.get $p) (i32.const 1))) (i32.const 0x20)) (then (call $ws (i32.add (local.get $p) (i32.const 1)))) (else (i32.add (local.get $p) (i32.const 1)))))
          (local.set $c (i32.load8_u (local.get $p)))
          (global.set $esc (i32.const 0))
          (local.set $v (call $value (local.get $p)))
          (if (i32.lt_s (local.get $v) (i32.const 0)) (then (return (i32.const 0))))
          (if (i32.ge_s (local.get $f) (i32.const 0))
            (then
              (local.set $at (i32.add (local.get $out) (i32.shl (local.get $f) (i32.const {REC_FIELD_SHIFT}))))
              (local.set $kind (i32.const {KIND_OTHER}))
              (if (i32.eq (local.get $c) (i32.const 0x22)) (then (local.set $kind (i32.const {KIND_STRING}))))
              (if (i32.eq (local.get $c) (i32.const 0x6e)) (then (local.set $kind (i32.const {KIND_NULL}))))
              (if (i32.eq (local.get $c) (i32.const 0x7b)) (then (local.set $kind (i32.const {KIND_OBJECT}))))
              (if (i32.eq (local.get $kind) (i32.const {KIND_STRING}))
                (then
                  (i32.store offset={REC_START} (local.get $at) (i32.add (local.get $p) (i32.const 1)))
                  (i32.store offset={REC_END} (local.get $at) (i32.sub (local.get $v) (i32.const 1))))
                (else
                  (i32.store offset={REC_START} (local.get $at) (local.get $p))
                  (i32.store offset={REC_END} (local.get $at) (local.get $v))))
              (if (i32.eq (local.get $f) (i32.const {F_TIMESTAMP}))
                (then
                  (f64.store offset={REC_TIMESTAMP} (local.get $out) (call $integer (local.get $p) (local.get $v)))
                  (if (f64.eq (f64.load offset={REC_TIMESTAMP} (local.get $out)) (f64.load offset={REC_TIMESTAMP} (local.get $out)))
                    (then (local.set $kind (i32.const {KIND_INTEGER}))))))
              (i32.store (local.get $at) (local.get $kind))
              (i32.store offset={REC_ESCAPED} (local.get $at) (global.get $esc))))
          (local.set $p (if (result i32) (i32.le_u (i32.load8_u (local.get $v)) (i32.const 0x20)) (then (call $ws (local.get $v))) (else (local.get $v))))
          (if (i32.eq (i32.load8_u (local.get $p)) (i32.const 0x2c))
            (then
              (local.set $p (if (result i32) (i32.le_u (i32.load8_u (i32.add (local.get $p) (i32.const 1))) (i32.const 0x20)) (then (call $ws (i32.add (local.get $p) (i32.const 1)))) (else (i32.add (local.get $p) (i32.const 1)))))
              (br $member))))
        (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x7d)) (then (return (i32.const 0))))))
    (i32.eq (if (result i32) (i32.le_u (i32.load8_u (i32.add (local.get $p) (i32.const 1))) (i32.const 0x20)) (then (call $ws (i32.add (local.get $p) (i32.const 1)))) (else (i32.add (local.get $p) (i32.const 1)))) (local.get $e)))

  ;; 1 when [s, e) is one JSON object (whitespace around it allowed) whose keys hold no
  ;; escapes; 0 when not, or not sure. For each event field it writes the record's entry
  ;; (layout.ts): the kind, where the value starts and ends (a string's inside, without
  ;; quotes) and 1 when a string holds escapes. The last of repeated keys wins, as with
  ;; JSON.parse. An integer `timestamp` is written as a double at REC_TIMESTAMP.
  (func $check (export "check") (param $s i32) (param $e i32) (param $out i32) (result i32)
    (local $saved i32) (local $ok i32) (local $f i32)
    (loop $clear
      (i32.store (i32.add (local.get $out) (i32.shl (local.get $f) (i32.const {REC_FIELD_SHIFT}))) (i32.const 0))
      (local.set $f (i32.add (local.get $f) (i32.const 1)))
      (br_if $clear (i32.lt_u (local.get $f) (i32.const {FIELDS}))))
    (global.set $depth (i32.const 1))
    (local.set $saved (i32.load8_u (local.get $e)))
    (i32.store8 (local.get $e) (i32.const 0))
    (local.set $ok (call $event (local.get $s) (local.get $e) (local.get $out)))
    (i32.store8 (local.get $e) (local.get $saved))
    (local.get $ok))
)
