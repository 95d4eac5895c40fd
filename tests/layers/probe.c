/* probe.c — one #include, compiled as a file of one layer sees it
 * (tests/layers/CMakeLists.txt): PROBE_HEADER is the header under test. */
#include PROBE_HEADER

int layer_probe;
