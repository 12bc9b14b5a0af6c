# %% add_impl  (subtracts instead of adding)
def add(a, b):
    return a - b
