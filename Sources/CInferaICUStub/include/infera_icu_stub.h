#ifndef INFERA_ICU_STUB_H
#define INFERA_ICU_STUB_H
// Nothing to call: the target only defines ICU's data symbol in release builds (see the .c file).
#endif
