"""Stories: online event clustering of articles, threads of related stories, and dated timelines."""
