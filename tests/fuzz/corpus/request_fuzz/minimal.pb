
a