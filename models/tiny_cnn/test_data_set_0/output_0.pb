
BprobabilitiesJ(└}Ц=]Ни=x>щ=▀э╫=┼~>НЬ╓=╟$ш=Nnж= ╕Ї=cтв=