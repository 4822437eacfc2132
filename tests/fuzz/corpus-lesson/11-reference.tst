driver reference
machine channel=5 memory=32M
driver init
driver send 60
driver send 1514 buffers=3 scattered
driver send 600 above16m
driver send 600 cross64k
driver send 100 at=0x200000
run until tx.completed == 4 max 15000
driver halt
