//! Tests of the CountDown solver and traced search: Stream of Search's own
//! output for fixed instances (`testdata/`), hand-enumerated solution sets,
//! the solver's first-solution and all-solutions modes against each other,
//! and a structural replay of every traced event stream. The brute-force
//! comparison over random instances is in the Python tests
//! (`tests/test_traces_countdown.py`).

use proptest::prelude::*;

use super::render::{render_dfs, render_nl, solution_expression};
use super::search::{CountdownEvent, CountdownTrace};
use super::*;
use crate::traces::options::{OptionValue, TraceOptions};
use crate::traces::TraceError;

fn never() -> impl FnMut() -> bool {
    || false
}

fn opts(pairs: &[(&str, &str)]) -> TraceOptions {
    let mut o = TraceOptions::default();
    for (k, v) in pairs {
        let value = v.parse::<i64>().map(OptionValue::Int).unwrap_or_else(|_| OptionValue::Name(v.to_string()));
        o.set(k, &value).unwrap();
    }
    o
}

fn all(numbers: &[u64], target: u64, use_all: bool) -> Vec<String> {
    solve(&Instance::new(numbers.to_vec(), target).unwrap(), use_all, Mode::All, None, &mut never()).unwrap()
}

#[test]
fn renders_stream_of_search_text_exactly() {
    for (target, numbers, settings, expected) in [
        (24, vec![8, 2, 3, 2], [("heuristic", "mult"), ("prune", "target")], include_str!("testdata/sos_24_8_2_3_2_mult_prune.txt")),
        (13, vec![4, 3, 5, 6], [("heuristic", "sum"), ("prune", "none")], include_str!("testdata/sos_13_4_3_5_6_sum.txt")),
        (21, vec![6, 5, 3], [("heuristic", "mult"), ("prune", "none")], include_str!("testdata/sos_21_6_5_3_mult.txt")),
    ] {
        let mut o = opts(&settings);
        o.use_all = true;
        let t = full_search(&Instance::new(numbers, target).unwrap(), &o, &mut never()).unwrap();
        assert_eq!(render_dfs(&t), expected.trim_end());
        let moves_back = expected.lines().filter(|l| l.starts_with("Moving to Node")).count()
            - t.events.iter().filter(|e| matches!(e, CountdownEvent::MoveDown(_))).count();
        assert_eq!(t.backtracks, moves_back);
    }
}

#[test]
fn all_solutions_are_deduplicated_up_to_canonical_form() {
    assert_eq!(all(&[2, 2], 4, false), ["2 * 2", "2 + 2"]);
    assert_eq!(all(&[3, 3], 9, false), ["3 * 3"]);
    assert_eq!(all(&[3, 3], 0 + 1, false), ["3 / 3"]);
    assert_eq!(all(&[5, 3], 2, false), ["5 - 3"]);
    assert_eq!(all(&[2, 3], 7, false), Vec::<String>::new());
    assert_eq!(all(&[5, 3], 5, false), ["5"]);
    assert_eq!(all(&[5, 3], 5, true), Vec::<String>::new());
    assert_eq!(all(&[1, 2, 3], 6, false), ["3 * 2", "3 * 2 * 1", "3 * 2 / 1", "3 + 2 + 1"]);
    assert_eq!(all(&[1, 2, 3], 6, true), ["3 * 2 * 1", "3 * 2 / 1", "3 + 2 + 1"]);
    // a - (b - c) and a + c - b are one solution; (a + b) * c is printed with parentheses.
    assert_eq!(all(&[10, 4, 3], 9, true), ["10 + 3 - 4"]);
    assert!(all(&[25, 3, 7, 6], 190, true).contains(&"(25 + 3) * 7 - 6".to_string()));
}

#[test]
fn instance_errors_say_which_number() {
    let e = Instance::new(vec![3, 0, 2], 5).unwrap_err().to_string();
    assert!(e.contains("numbers[1] = 0"), "{e}");
    assert!(Instance::new(vec![], 5).unwrap_err().to_string().contains("1 to 8 numbers"));
    assert!(Instance::new(vec![1; 9], 5).is_err());
    assert!(Instance::new(vec![1, 2], 0).unwrap_err().to_string().contains("target 0"));
    let inst = Instance::new(vec![5, 3], 5).unwrap();
    let e = full_search(&inst, &opts(&[]), &mut never()).unwrap_err().to_string();
    assert!(e.contains("target 5 is one of the numbers"), "{e}");
}

#[test]
fn solver_budget_and_interrupt() {
    let inst = Instance::new(vec![100, 75, 50, 25, 6, 3], 952).unwrap();
    assert_eq!(solve(&inst, false, Mode::All, Some(100), &mut never()).unwrap_err(), TraceError::Budget { max_nodes: 100 });
    assert_eq!(solve(&inst, false, Mode::All, None, &mut || true).unwrap_err(), TraceError::Interrupted);
    let first = solve(&inst, false, Mode::First, None, &mut never()).unwrap();
    assert_eq!(first.len(), 1);
}

/// Structural replay of a traced search: moves, numbers, steps, goal.
fn replay(t: &CountdownTrace, use_all: bool) -> Result<usize, String> {
    let target = t.instance.target;
    let mut current = super::NodeId(0);
    let mut resumes = 0;
    let is_ancestor_or_self = |a: super::NodeId, mut b: super::NodeId| loop {
        if a == b {
            return true;
        }
        match t.node(b).parent {
            Some(p) => b = p,
            None => return false,
        }
    };
    for (i, &e) in t.events.iter().enumerate() {
        match e {
            CountdownEvent::Enter(n) if n != current => return Err(format!("{i}: enters a node it is not at")),
            CountdownEvent::Explore(c) => {
                let node = t.node(c);
                if node.parent != Some(current) {
                    return Err(format!("{i}: explores a child of another node"));
                }
                let step = node.step.unwrap();
                let nums = &t.node(current).nums;
                let legal = super::expr::combine(step.i, step.j, nums[step.i], nums[step.j]).any(|s| s == step);
                if !legal || super::expr::apply(nums, &step) != node.nums {
                    return Err(format!("{i}: illegal step {}", step.compact()));
                }
            }
            CountdownEvent::Goal(c) => {
                let node = t.node(c);
                if node.step.unwrap().result != target || (use_all && node.nums.len() != 1) || i + 1 != t.events.len() {
                    return Err(format!("{i}: false goal"));
                }
            }
            CountdownEvent::Leaf(c) if t.node(c).nums.len() != 1 || t.node(c).nums[0] == target => {
                return Err(format!("{i}: false leaf"))
            }
            CountdownEvent::MoveDown(c) => current = c,
            CountdownEvent::Resume(n) => {
                if !is_ancestor_or_self(n, current) {
                    return Err(format!("{i}: moves back to a node that is not an ancestor"));
                }
                current = n;
                resumes += 1;
            }
            _ => {}
        }
    }
    if !matches!(t.events.last(), Some(CountdownEvent::Goal(_))) {
        return Err("does not end at the goal".into());
    }
    Ok(resumes)
}

#[test]
fn guided_traces_have_k_backtracks_or_say_how_many() {
    let inst = Instance::new(vec![2, 3], 5).unwrap();
    let o = opts(&[]);
    for k in 0..=2 {
        let t = guided_search(&inst, &o, k, &mut never()).unwrap();
        assert_eq!(replay(&t, false), Ok(k));
    }
    match guided_search(&inst, &o, 3, &mut never()) {
        Err(TraceError::NotEnoughWrongGuesses { requested: 3, available: 2, undecided: 0 }) => {}
        other => panic!("{other:?}"),
    }
    let unsolvable = Instance::new(vec![2, 3], 7).unwrap();
    assert_eq!(guided_search(&unsolvable, &o, 1, &mut never()).unwrap_err(), TraceError::NoSolution);
}

#[test]
fn nl_text_follows_the_paper() {
    let inst = Instance::new(vec![4, 3, 5, 6], 13).unwrap();
    let mut o = opts(&[]);
    o.use_all = true;
    let t = guided_search(&inst, &o, 2, &mut never()).unwrap();
    let text = render_nl(&t);
    assert!(text.starts_with("Let's think step by step. Step 1: "), "{text}");
    assert_eq!(text.matches("Wait, this doesn't lead to the correct solution.").count(), 2);
    assert!(text.ends_with(&format!(
        "This matches the problem statement. This is the solution.\n</think>\n\n<answer>{}</answer>",
        solution_expression(&t)
    )));
    let full = full_search(&inst, &o, &mut never()).unwrap();
    assert_eq!(solution_expression(&full), "4 * 3 + 6 - 5");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]
    #[test]
    fn first_agrees_with_all_and_traces_replay(numbers in prop::collection::vec(1u64..13, 2..5), target in 1u64..40,
                                               use_all in proptest::bool::ANY, k in 0usize..4, seed in 0u64..1000,
                                               heuristic in 0usize..3) {
        let inst = Instance::new(numbers.clone(), target).unwrap();
        let every = solve(&inst, use_all, Mode::All, None, &mut never()).unwrap();
        let first = solve(&inst, use_all, Mode::First, None, &mut never()).unwrap();
        prop_assert_eq!(first.is_empty(), every.is_empty());
        let mut unique = every.clone();
        unique.dedup();
        prop_assert_eq!(unique.len(), every.len());
        if numbers.contains(&target) && !use_all {
            return Ok(());
        }
        let mut o = TraceOptions::default();
        o.use_all = use_all;
        o.seed = seed;
        o.set("heuristic", &OptionValue::Name(["sum", "mult", "none"][heuristic].into())).unwrap();
        match full_search(&inst, &o, &mut never()) {
            Ok(t) => {
                prop_assert!(!every.is_empty());
                prop_assert_eq!(replay(&t, use_all), Ok(t.backtracks));
            }
            Err(TraceError::NoSolution) => prop_assert!(every.is_empty()),
            Err(e) => prop_assert!(false, "{}", e),
        }
        match guided_search(&inst, &o, k, &mut never()) {
            Ok(t) => prop_assert_eq!(replay(&t, use_all), Ok(k)),
            Err(TraceError::NotEnoughWrongGuesses { available, .. }) => {
                prop_assert!(available < k);
                let t = guided_search(&inst, &o, available, &mut never()).unwrap();
                prop_assert_eq!(replay(&t, use_all), Ok(available));
            }
            Err(TraceError::NoSolution) => prop_assert!(every.is_empty()),
            Err(e) => prop_assert!(false, "{}", e),
        }
    }
}
