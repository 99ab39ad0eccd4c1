"""The Alingsås demo: case 2017.676 KS and its surroundings, loaded through the
same services users call. See diarium.demo.loader."""
