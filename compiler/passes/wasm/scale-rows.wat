;; The inner loop of batch-norm folding: float32 values multiplied in place by
;; a float64 scale, each product rounded once to float32, exactly as
;; `values[i] = values[i] * s` does in JavaScript. Four values at a time with
;; SIMD: each half widened to float64, multiplied, narrowed back.
;;
;; Assembled into scale-rows-wasm.ts by `npm run build:wasm` (wabt); a test
;; checks that the bytes there are this file's.
(module
  (memory (import "sfc" "memory") 1)
  (func (export "scale") (param $ptr i32) (param $count i32) (param $s f64)
    (local $end i32)
    (local $simdEnd i32)
    (local $scale v128)
    (local $x v128)
    (local.set $end (i32.add (local.get $ptr) (i32.shl (local.get $count) (i32.const 2))))
    (local.set $simdEnd
      (i32.add (local.get $ptr) (i32.shl (i32.and (local.get $count) (i32.const -4)) (i32.const 2))))
    (local.set $scale (f64x2.splat (local.get $s)))
    (block $simdDone
      (loop $simd
        (br_if $simdDone (i32.ge_u (local.get $ptr) (local.get $simdEnd)))
        (local.set $x (v128.load align=4 (local.get $ptr)))
        (v128.store align=4 (local.get $ptr)
          ;; lanes 0-1 from the low half's products, lanes 2-3 from the high half's
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (f32x4.demote_f64x2_zero
              (f64x2.mul (f64x2.promote_low_f32x4 (local.get $x)) (local.get $scale)))
            (f32x4.demote_f64x2_zero
              (f64x2.mul
                (f64x2.promote_low_f32x4
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $x) (local.get $x)))
                (local.get $scale)))))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 16)))
        (br $simd)))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $ptr) (local.get $end)))
        (f32.store align=4 (local.get $ptr)
          (f32.demote_f64 (f64.mul (f64.promote_f32 (f32.load align=4 (local.get $ptr))) (local.get $s))))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 4)))
        (br $tail)))))
