"""Privacy of the register: what in a value names a private person, and what may be published."""
