	.section sec_a,"ax",@progbits
	r0 = 1
	r0 = 2
	.globl alias1
	.globl alias2
alias2:
alias1:
	exit
	.section sec_empty,"ax",@progbits
	.section sec_b,"ax",@progbits
	.type fb,@function
fb:
	if r1 > r2 goto +1
	goto -1
	exit
	.byte 0x18, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00
	.section sec_c,"ax",@progbits
	.quad 0
	.byte 0x18, 0x01
