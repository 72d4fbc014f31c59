	.section sec_a,"ax",@progbits
	.globl aa
zz:
aa:
	r0 = 1
	.type mm,@object
	.globl bb
mm:
bb:
	exit
	goto -3
	.globl f
	.type f,@function
f:
	.quad 0
	.byte 0,0,0,0
	exit
