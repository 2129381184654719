/* The firmware's entry: the board, the link, then the runner for ever (docs/firmware.md). */
#include "../boards/board.h"
#include "../hal/clock.h"
#include "../link/device.h"
#include "../link/frame.h"
#include "../link/inbox.h"
#include "runner.h"

int main(void) {
  inbox_init();
  board_init();
  clock_boot();
  link_device_init(board_link_transmit, NULL);
  /* docs/link-protocol.md §2: a leading delimiter ends whatever a reset cut short on the line. */
  static const uint8_t delimiter = LINK_FRAME_DELIMITER;
  board_link_transmit(NULL, &delimiter, 1);
  runner_run();
}
