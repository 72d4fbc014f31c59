	.section sec_a,"ax",@progbits
	.type aa,@object
aa:
	r0 = 1
	.type zz,@object
zz:
	exit
	.type qq,@object
	.globl qq
	.type pp,@function
qq:
pp:
	exit
	.type kk,@object
	.type bb,@function
kk:
bb:
	exit
	goto -4
