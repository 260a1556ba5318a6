#include "infera_icu_stub.h"

// An empty ICU common-data table, linked into release binaries in place of ICU's 32 MB locale
// database (ICU's own "stubdata" idea). scripts/release.sh sets INFERA_ICU_STUB_SYMBOL (e.g.
// icudt76_dat, read from the toolchain's lib_FoundationICU.a) in the environment; Package.swift then
// defines it here and links this target into `infera`, ahead of the toolchain's archives, so the
// archive member holding the real table is never pulled in. Without it this file is empty.
#ifdef INFERA_ICU_STUB_SYMBOL
#include <stdint.h>

struct infera_icu_empty_table {
    uint16_t header_size;       // 32: this header
    uint8_t magic1, magic2;     // 0xda 0x27
    uint16_t info_size, info_reserved;
    uint8_t big_endian, charset_family, sizeof_uchar, reserved;
    uint8_t data_format[4];     // "ToCP": a table of contents
    uint8_t format_version[4], data_version[4];
    uint8_t padding[8];
    uint32_t count, reserved2;  // no entries
};

const struct infera_icu_empty_table INFERA_ICU_STUB_SYMBOL = {
    32, 0xda, 0x27, 20, 0, 0, 0, 2, 0,
    { 0x54, 0x6f, 0x43, 0x50 }, { 1, 0, 0, 0 }, { 0, 0, 0, 0 }, { 0 }, 0, 0,
};
#endif
