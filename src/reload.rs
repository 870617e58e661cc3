//! Live knowledge: the answerer in use, replaced whole when moderators edit the knowledge folder.
//!
//! A question takes one snapshot ([`Live::current`]) and answers from it to the end, so a
//! reload during a question can never mix two versions; the new knowledge is loaded and
//! validated on a blocking thread, off the path that answers, and swapped in only when it is
//! valid. A bad edit is reported with the same lines `sarcoma-bot check` prints, and the last
//! good knowledge keeps answering.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use tracing::{info, warn};

use crate::answer::Answerer;
use crate::knowledge::{Problem, SAFETY_DIR, read_at_top};

/// How often the knowledge folder is looked at for edits. Polling a handful of files costs
/// nothing, needs no platform file-watching API, and works on network and container mounts.
pub const POLL_EVERY: Duration = Duration::from_secs(1);

/// What asked for a reload; logged, so an operator can tell a signal from an edit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    Signal,
    FolderChanged,
    Command,
}

impl Trigger {
    fn name(self) -> &'static str {
        match self {
            Trigger::Signal => "SIGHUP",
            Trigger::FolderChanged => "knowledge folder changed",
            Trigger::Command => "/reload",
        }
    }
}

/// A knowledge version that is now answering.
#[derive(Debug)]
pub struct Reloaded {
    pub version: u64,
    pub entries: usize,
    /// `check`'s warning lines for the new knowledge.
    pub warnings: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ReloadError {
    #[error(
        "the bot answers from the knowledge built into it; set `knowledge_dir` in the config to edit \
         knowledge while it runs"
    )]
    NoFolder,
    #[error("the edited knowledge in {dir} was not loaded:\n{}", .problems.join("\n"))]
    Invalid { dir: PathBuf, problems: Vec<String> },
    #[error("loading the knowledge stopped unexpectedly: {0}")]
    Interrupted(String),
}

/// The answerer in use and where its knowledge came from.
pub struct Live {
    current: RwLock<Arc<Answerer>>,
    dir: Option<PathBuf>,
    version: AtomicU64,
    /// One reload at a time: two triggers at once must not race to swap.
    reloading: tokio::sync::Mutex<()>,
}

impl Live {
    /// `dir` is the knowledge folder the answerer was loaded from, if any (else the built-in
    /// copy, which cannot change while the bot runs).
    pub fn new(answerer: Answerer, dir: Option<PathBuf>) -> Live {
        Live {
            current: RwLock::new(Arc::new(answerer)),
            dir,
            version: AtomicU64::new(1),
            reloading: tokio::sync::Mutex::new(()),
        }
    }

    /// The answerer to use for one whole question.
    pub fn current(&self) -> Arc<Answerer> {
        Arc::clone(
            &self
                .current
                .read()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        )
    }

    /// 1 for the knowledge the bot started with, then one more for each successful reload.
    pub fn version(&self) -> u64 {
        self.version.load(Ordering::SeqCst)
    }

    /// Loads the folder again and, if it is valid, answers from it from now on.
    pub async fn reload(&self, trigger: Trigger) -> Result<Reloaded, ReloadError> {
        let result = self.load_and_swap().await;
        match &result {
            Ok(r) => info!(
                trigger = trigger.name(),
                version = r.version,
                entries = r.entries,
                warnings = r.warnings.len(),
                "knowledge reloaded"
            ),
            Err(e) => warn!(
                trigger = trigger.name(),
                "knowledge not reloaded, still answering from the last good version: {e}"
            ),
        }
        result
    }

    async fn load_and_swap(&self) -> Result<Reloaded, ReloadError> {
        let dir = self.dir.clone().ok_or(ReloadError::NoFolder)?;
        let _one_at_a_time = self.reloading.lock().await;
        let folder = dir.clone();
        let loaded = tokio::task::spawn_blocking(move || Answerer::load(&folder))
            .await
            .map_err(|e| ReloadError::Interrupted(e.to_string()))?;
        let (answerer, warnings) = loaded.map_err(|e| ReloadError::Invalid {
            dir,
            problems: lines(&e.problems),
        })?;
        let entries = answerer.knowledge().entries().len();
        *self
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Arc::new(answerer);
        let version = self.version.fetch_add(1, Ordering::SeqCst) + 1;
        Ok(Reloaded {
            version,
            entries,
            warnings: lines(&warnings),
        })
    }

    /// Reloads whenever a `*.toml` file in the knowledge folder is added, removed or changed,
    /// until the task is dropped. Each state of the folder is tried once: a bad edit is
    /// reported once, not every second until it is fixed.
    pub async fn watch(self: Arc<Self>) {
        let Some(dir) = self.dir.clone() else { return };
        let mut seen = fingerprint(&dir);
        let mut ticks = tokio::time::interval(POLL_EVERY);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let now = fingerprint(&dir);
            if now != seen {
                seen = now;
                let _ = self.reload(Trigger::FolderChanged).await;
            }
        }
    }
}

fn lines(problems: &[Problem]) -> Vec<String> {
    problems.iter().map(ToString::to_string).collect()
}

/// Name, size and modification time of every `*.toml` file: enough to notice an edit.
/// Size and modification time of every file the knowledge loader reads: the entry files and
/// everything in the safety folder, so an edit to either is picked up.
fn fingerprint(dir: &Path) -> Vec<(PathBuf, u64, Option<SystemTime>)> {
    let listed = |d: &Path| -> Vec<std::fs::DirEntry> {
        std::fs::read_dir(d)
            .map(|read| read.filter_map(Result::ok).collect())
            .unwrap_or_default()
    };
    let mut files: Vec<_> = listed(dir)
        .into_iter()
        .filter(|e| read_at_top(&e.path()))
        .chain(listed(&dir.join(SAFETY_DIR)))
        .filter_map(|e| {
            let meta = e.metadata().ok().filter(std::fs::Metadata::is_file)?;
            Some((e.path(), meta.len(), meta.modified().ok()))
        })
        .collect();
    files.sort();
    files
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answer::Reply;
    use crate::knowledge::KnowledgeBase;

    fn copy_of_knowledge(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("sarcoma-bot-reload-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge");
        for sub in ["", "safety"] {
            std::fs::create_dir_all(dir.join(sub)).unwrap();
            for file in std::fs::read_dir(shipped.join(sub)).unwrap() {
                let file = file.unwrap();
                if file.path().is_file() {
                    std::fs::copy(file.path(), dir.join(sub).join(file.file_name())).unwrap();
                }
            }
        }
        dir
    }

    fn live(dir: &Path) -> Live {
        let kb = KnowledgeBase::from_dir(dir).unwrap().kb;
        Live::new(Answerer::new(kb), Some(dir.to_owned()))
    }

    /// The title and summary the bot shows for "stage 4".
    fn stage_4(live: &Live) -> (String, String) {
        let answerer = live.current();
        match answerer.ask("stage 4").reply {
            Reply::Entry { entry, .. } => (entry.title.clone(), entry.summary.clone()),
            other => panic!("stage 4 got {other:?}"),
        }
    }

    fn stage_4_title(live: &Live) -> String {
        stage_4(live).0
    }

    fn retitle(dir: &Path, from: &str, to: &str) {
        let path = dir.join("stages.toml");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{from:?} not in stages.toml");
        std::fs::write(&path, text.replace(from, to)).unwrap();
    }

    #[tokio::test]
    async fn a_valid_edit_answers_at_once_and_a_bad_one_keeps_the_last_good_version() {
        let dir = copy_of_knowledge("edit");
        let live = live(&dir);
        let before = stage_4_title(&live);
        retitle(&dir, &before, "Stage 4 (edited)");
        let reloaded = live.reload(Trigger::Command).await.unwrap();
        assert_eq!((reloaded.version, live.version()), (2, 2));
        assert_eq!(stage_4_title(&live), "Stage 4 (edited)");

        std::fs::write(dir.join("stages.toml"), "[[entry]]\nid = \"stage-4\"\ntitle = ").unwrap();
        let Err(ReloadError::Invalid { problems, .. }) = live.reload(Trigger::Signal).await else {
            panic!("a broken file was accepted");
        };
        assert!(problems.iter().any(|p| p.contains("stages.toml")), "{problems:?}");
        assert_eq!(stage_4_title(&live), "Stage 4 (edited)");
        assert_eq!(live.version(), 2);
    }

    #[tokio::test]
    async fn an_example_question_that_lands_elsewhere_is_refused_and_the_last_good_version_kept() {
        let dir = copy_of_knowledge("misroute");
        let live = live(&dir);
        let before = stage_4_title(&live);
        retitle(&dir, "\"how is stage 4 treated\"", "\"how is chemo given\"");
        let Err(ReloadError::Invalid { problems, .. }) = live.reload(Trigger::FolderChanged).await else {
            panic!("a misrouted example question was accepted");
        };
        assert!(
            problems.iter().any(|p| p.contains("stages.toml")
                && p.contains("entry `stage-4`")
                && p.contains("lands on chemotherapy#how-given, not stage-4#treatment")),
            "{problems:?}"
        );
        assert_eq!(stage_4_title(&live), before);
        assert_eq!(live.version(), 1);
    }

    #[tokio::test]
    async fn the_built_in_knowledge_cannot_be_reloaded() {
        let kb = KnowledgeBase::embedded().unwrap().kb;
        let live = Live::new(Answerer::new(kb), None);
        assert!(matches!(
            live.reload(Trigger::Command).await,
            Err(ReloadError::NoFolder)
        ));
        assert_eq!(live.version(), 1);
    }

    #[test]
    fn an_edit_changes_the_fingerprint() {
        let dir = copy_of_knowledge("fingerprint");
        let before = fingerprint(&dir);
        let count = |d: &Path| {
            std::fs::read_dir(d)
                .unwrap()
                .filter(|e| e.as_ref().unwrap().path().is_file())
                .count()
        };
        assert_eq!(before.len(), count(&dir) + count(&dir.join(SAFETY_DIR)));
        std::fs::write(dir.join("glossary.toml"), "# emptied\n").unwrap();
        let after_entry_edit = fingerprint(&dir);
        assert_ne!(after_entry_edit, before);
        std::fs::write(dir.join(SAFETY_DIR).join("checks.tsv"), "# emptied\n").unwrap();
        let after_safety_edit = fingerprint(&dir);
        assert_ne!(after_safety_edit, after_entry_edit);
        std::fs::write(dir.join("questions.tsv"), "# emptied\n").unwrap();
        assert_ne!(fingerprint(&dir), after_safety_edit);
    }

    /// Readers racing a stream of swaps each see one whole version: the title and the summary
    /// of one answer always come from the same knowledge.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn questions_during_swaps_are_answered_from_one_version_or_the_other() {
        let dir = copy_of_knowledge("race");
        let live = Arc::new(live(&dir));
        let (title, summary) = stage_4(&live);
        let readers: Vec<_> = (0..2)
            .map(|_| {
                let live = Arc::clone(&live);
                tokio::task::spawn_blocking(move || {
                    (0..3000)
                        .map(|_| stage_4(&live))
                        .collect::<std::collections::HashSet<_>>()
                })
            })
            .collect();
        let text = std::fs::read_to_string(dir.join("stages.toml")).unwrap();
        for round in 0..20 {
            let marked = text.replacen(&title, &format!("{title} [v{round}]"), 1).replacen(
                &summary,
                &format!("{summary} [v{round}]"),
                1,
            );
            std::fs::write(dir.join("stages.toml"), marked).unwrap();
            live.reload(Trigger::Command).await.unwrap();
        }
        for reader in readers {
            for (t, s) in reader.await.unwrap() {
                let version = |x: &str| x.rfind(" [v").map(|at| x[at..].to_owned());
                assert_eq!(version(&t), version(&s), "a mixed answer: {t:?} / {s:?}");
            }
        }
    }
}
