driver reference
machine channel=1 memory=32M
driver init
driver send 60
driver send 1514 buffers=8 scattered
driver send 600 above16m
driver send 600 cross64k
driver send 100 at=0x200000
run until tx.completed == 8 max 15000
driver halt
