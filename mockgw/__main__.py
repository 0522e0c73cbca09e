from mockgw.cli import run

run()
