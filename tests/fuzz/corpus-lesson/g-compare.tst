# A compare file with several mismatching cells: every one is reported.
lesson compare
compare-to compare.cmp
output-list cycle%D1.4.1 dma.ch2.count%X1.4.1 dma.ch2.masked%B1.1.1 bus.owner%S1.3.1
out 0x0C 0x00
out 0x05 0x03
out 0x05 0x00
output
tick 2
output
