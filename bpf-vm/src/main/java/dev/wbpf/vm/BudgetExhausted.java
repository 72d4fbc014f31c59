package dev.wbpf.vm;

/** The run executed more instructions than its budget allows; protects the host thread from hanging. */
public final class BudgetExhausted extends VmException {
    private final long budget;

    public BudgetExhausted(int instruction, long budget) {
        super(instruction, "instruction budget of " + budget + " exhausted");
        this.budget = budget;
    }

    public long budget() {
        return budget;
    }
}
