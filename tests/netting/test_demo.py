import pytest

from exchange.netting import services


@pytest.mark.slow
def test_a_netting_run_on_the_demo_clears_something(app, runner):
    result = runner.invoke(args=["exchange", "seed-demo", "--if-empty"])
    assert "netting_deals=3" in result.output, result.output
    with app.app_context():
        run = services.start_run(None)
        print(f"demo: debt {run.total}, cleared {run.cleared}")
        assert run.cleared > 0
