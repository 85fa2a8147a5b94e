/* SHA-1 (FIPS 180-4), for text.text_hash: the albums table keys its texts by it. */
#include "fastxml.h"

#define ROTL(x, n) (((x) << (n)) | ((x) >> (32 - (n))))

static void block(uint32_t h[5], const unsigned char *p) {
    uint32_t w[80];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
    for (int i = 16; i < 80; i++) w[i] = ROTL(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], t;
#define STEP(f, k) t = ROTL(a, 5) + (f) + e + (k) + w[i]; e = d; d = c; c = ROTL(b, 30); b = a; a = t;
    int i = 0;
    for (; i < 20; i++) { STEP((b & c) | (~b & d), 0x5A827999) }
    for (; i < 40; i++) { STEP(b ^ c ^ d, 0x6ED9EBA1) }
    for (; i < 60; i++) { STEP((b & c) | (b & d) | (c & d), 0x8F1BBCDC) }
    for (; i < 80; i++) { STEP(b ^ c ^ d, 0xCA62C1D6) }
#undef STEP
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
}

void sha1_hex(const char *data, Py_ssize_t n, char out[41]) {
    static const char hex[] = "0123456789abcdef";
    uint32_t h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
    const unsigned char *p = (const unsigned char *)data;
    Py_ssize_t left = n;
    for (; left >= 64; p += 64, left -= 64) block(h, p);
    unsigned char tail[128] = {0};
    memcpy(tail, p, (size_t)left);
    tail[left] = 0x80;
    Py_ssize_t tail_len = left + 9 <= 64 ? 64 : 128;
    uint64_t bits = (uint64_t)n * 8;
    for (int i = 0; i < 8; i++) tail[tail_len - 1 - i] = (unsigned char)(bits >> (8 * i));
    block(h, tail);
    if (tail_len == 128) block(h, tail + 64);
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 8; j++) out[8 * i + j] = hex[(h[i] >> (28 - 4 * j)) & 15];
    out[40] = '\0';
}
