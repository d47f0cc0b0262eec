
jp1
u1"s1*
worlden€£"jp20