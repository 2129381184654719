// The HAL imports (module `hal`), exactly as docs/hal-abi.md §4 declares them: the only way an app reaches the
// outside world. Every call returns a status (status.ts); a `ptr` is a byte offset into this app's memory.
// Drivers use the helpers beside this file (i2c.ts, clock.ts, log.ts, telemetry.ts, commands.ts) rather than these
// directly.

// §4.1 I2C: one call is one bus transaction; addresses are 7-bit, lengths 1..255.
@external("hal", "i2c_write")
export declare function i2c_write(addr: i32, ptr: usize, len: i32): i32;
@external("hal", "i2c_read")
export declare function i2c_read(addr: i32, ptr: usize, len: i32): i32;
@external("hal", "i2c_write_read")
export declare function i2c_write_read(addr: i32, wptr: usize, wlen: i32, rptr: usize, rlen: i32): i32;

// §4.2 GPIO
@external("hal", "gpio_mode")
export declare function gpio_mode(pin: i32, mode: i32): i32;
@external("hal", "gpio_write")
export declare function gpio_write(pin: i32, level: i32): i32;
@external("hal", "gpio_read")
export declare function gpio_read(pin: i32, level_ptr: usize): i32;

// §4.3 PWM: duty as a fraction of 65535.
@external("hal", "pwm_set")
export declare function pwm_set(channel: i32, duty_u16: i32): i32;

// §4.4 Time: the clocks store a u64 at out_ptr; delay_us takes 0..1_000_000.
@external("hal", "clock_ms")
export declare function clock_ms(out_ptr: usize): i32;
@external("hal", "clock_us")
export declare function clock_us(out_ptr: usize): i32;
@external("hal", "delay_us")
export declare function delay_us(us: i32): i32;

// §4.5 Log: UTF-8, len <= 200; level 0 error .. 3 debug.
@external("hal", "log")
export declare function log(level: i32, ptr: usize, len: i32): i32;

// §4.6 Telemetry: declare and describe only during init, report only during tick.
@external("hal", "metric_declare")
export declare function metric_declare(id: i32, name_ptr: usize, name_len: i32, unit_ptr: usize, unit_len: i32): i32;
@external("hal", "metric_report")
export declare function metric_report(id: i32, value: f64): i32;
@external("hal", "metric_describe")
export declare function metric_describe(id: i32, kind: i32, min: f64, max: f64): i32;

// §4.7 Runner state (1.1): the opcodes the app handles (init only), and the standard outputs as the app sets them.
@external("hal", "command_declare")
export declare function command_declare(opcode: i32): i32;
@external("hal", "output_state")
export declare function output_state(output: i32, value: i32): i32;
