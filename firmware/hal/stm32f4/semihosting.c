#include "semihosting.h"

#include <string.h>

/* The operations' numbers, SYS_OPEN's mode for fopen's "wb", and SYS_EXIT's reasons (the specification's tables). */
#define SYS_OPEN 0x01u
#define SYS_CLOSE 0x02u
#define SYS_WRITE 0x05u
#define SYS_EXIT 0x18u
#define OPEN_MODE_WRITE_BINARY 5u
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u
#define ADP_STOPPED_RUN_TIME_ERROR_UNKNOWN 0x20023u

/* The operation in r0, its parameter (a block's address or a value) in r1; the result comes back in r0. */
static uint32_t call(uint32_t operation, uint32_t parameter) {
  register uint32_t r0 __asm__("r0") = operation;
  register uint32_t r1 __asm__("r1") = parameter;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

int32_t semihosting_create(const char *name) {
  uint32_t block[3] = {(uint32_t)name, OPEN_MODE_WRITE_BINARY, strlen(name)};
  return (int32_t)call(SYS_OPEN, (uint32_t)block);
}

bool semihosting_write(int32_t handle, const void *bytes, uint32_t length) {
  uint32_t block[3] = {(uint32_t)handle, (uint32_t)bytes, length};
  /* SYS_WRITE answers with the count of bytes it did not write. */
  return call(SYS_WRITE, (uint32_t)block) == 0;
}

void semihosting_close(int32_t handle) {
  uint32_t block[1] = {(uint32_t)handle};
  call(SYS_CLOSE, (uint32_t)block);
}

_Noreturn void semihosting_exit(bool success) {
  call(SYS_EXIT, success ? ADP_STOPPED_APPLICATION_EXIT : ADP_STOPPED_RUN_TIME_ERROR_UNKNOWN);
  for (;;) {
  }
}
