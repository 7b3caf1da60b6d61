#pragma once
#include "data/PreparedStoreWriter.h"

// Options of a prepared store for tests: raw pixels (version 1) or JPEG (version 2) at `size`.
inline fra::PrepareOptions rawStore(int size) { return {size, 32, fra::StoreEncoding::Raw, 95}; }
inline fra::PrepareOptions jpegStore(int size, int quality = 95) { return {size, 32, fra::StoreEncoding::Jpeg, quality}; }
