
BprobsJ(èÒï=Ð0’=HGï=¤êv=™K> h>e¬H=ëYR=œ=Yúf=