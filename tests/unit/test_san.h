/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Which sanitizer a test is built with, for gcc (__SANITIZE_ADDRESS__,
 * __SANITIZE_THREAD__) and clang (__has_feature): TEST_ASAN and TEST_TSAN
 * are defined to 1 under AddressSanitizer and ThreadSanitizer.
 */
#ifndef TEST_SAN_H
#define TEST_SAN_H

#if defined(__SANITIZE_ADDRESS__)
#define TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_ASAN 1
#endif
#endif

#if defined(__SANITIZE_THREAD__)
#define TEST_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define TEST_TSAN 1
#endif
#endif

#endif /* TEST_SAN_H */
