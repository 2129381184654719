/* §4.1.1: what a receiver reads from the HELLO of a device that speaks a newer major version. */
#include "codec.h"

bool link_read_newer_peer(const link_decoded_t *decoded, link_newer_peer_t *peer) {
  if (decoded->drop != LINK_DROP_VERSION || decoded->version <= LINK_VERSION ||
      decoded->message.type != LINK_TYPE_HELLO || decoded->payload == NULL) {
    return false;
  }
  /* Every later major version keeps these three first; what follows them is not read. */
  link_reader_t reader;
  link_reader_init(&reader, decoded->payload, decoded->payload_length);
  peer->device_id = link_get_id(&reader, "device_id");
  peer->link_minor = link_get_u8(&reader, "link_minor");
  peer->firmware_version = link_get_str(&reader, "firmware_version", LINK_VERSION_TEXT_MAX_BYTES);
  return reader.failed_field == NULL;
}
