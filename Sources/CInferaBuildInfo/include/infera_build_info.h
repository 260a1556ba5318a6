#ifndef INFERA_BUILD_INFO_H
#define INFERA_BUILD_INFO_H

/// The build stamp: `scripts/release.sh` overwrites the bytes after the marker in the linked
/// binary with "commit=<sha>\ndate=<iso8601>\n" (like Go's -ldflags -X), so `swift build`
/// stays deterministic and unstamped. Returns the text after the marker ("" when unstamped).
const char *infera_build_info(void);

#endif
