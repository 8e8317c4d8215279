"""Demo content for the course pages: training modes, inclusions, curricula, interview
questions, FAQs and articles.

`load_catalog()` (courses.demo.catalog) calls `load_content()` after it has loaded the courses,
and the same rule holds (courses.demo.fill): the demo fills in what is missing and never undoes
what staff changed. Rows are found by natural keys (a name, a course and a title or question,
an article's slug); a missing one is created, an existing one is left as staff left it, and rows
staff added themselves are never touched. A course's learning outcomes, training modes,
inclusions and related courses, and an article's courses, are fields of that course or article:
they are filled in when the demo creates it, and left alone afterwards.

Markdown in these texts is rendered by `courses.markdown`, which allows headings from `###`
down only: the page itself owns the first two levels.
"""

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from itertools import count
from typing import NamedTuple, TypedDict

from courses.models import (
    FAQ,
    Article,
    Course,
    CurriculumModule,
    Inclusion,
    InterviewQuestion,
    QuestionLevel,
    TrainingMode,
)

from .fill import Fill

# The models this module fills, in the order the command reports them.
CONTENT_MODELS = (
    TrainingMode,
    Inclusion,
    QuestionLevel,
    CurriculumModule,
    InterviewQuestion,
    FAQ,
    Article,
)

# Order numbers go up in tens, so staff can slot a row in between without renumbering.
ORDER_STEP = 10


def paragraphs(*blocks: str) -> str:
    return "\n\n".join(blocks)


def bullets(*items: str) -> str:
    return "\n".join(f"- {item}" for item in items)


def numbered(*items: str) -> str:
    return "\n".join(f"{number}. {item}" for number, item in enumerate(items, start=1))


# Training modes and inclusions

LIVE = "Instructor-led live online"
PROJECT = "Project-based, customised"
FAST_TRACK = "Fast track"
SELF_PACED = "Self-paced"
ONE_ON_ONE = "One-on-one"

TRAINING_MODES = {
    LIVE: "Scheduled weekday or weekend batches taught live over video by a working "
    "practitioner, with time for questions in every session.",
    PROJECT: "The syllabus is built around a project from your team's own work, and the "
    "trainer reviews it with you as it grows.",
    FAST_TRACK: "The full syllabus in longer daily sessions over two to three weeks, for "
    "learners who can clear their diary.",
    SELF_PACED: "Recorded sessions, exercises and quizzes to work through on your own "
    "schedule, with a trainer answering questions in the learner forum.",
    ONE_ON_ONE: "Private sessions with a trainer on the days and at the times you choose, "
    "at the pace that suits you.",
}
ALL_MODES = tuple(TRAINING_MODES)

RECORDINGS = "Recorded sessions"
MATERIALS = "Session-wise materials"
PRACTICALS = "Practicals and assignments"
CERTIFICATE = "Completion certificate"
SUPPORT = "After-training support"

INCLUSIONS = {
    RECORDINGS: "Every live session is recorded and stays in your learner area for twelve "
    "months after the batch ends.",
    MATERIALS: "Slides, notes and code for each session, shared before it starts so you can "
    "follow along.",
    PRACTICALS: "Hands-on labs in every session and assignments that the trainer reviews "
    "with written feedback.",
    CERTIFICATE: "A Batchwise certificate once you have attended at least 80% of the "
    "sessions and completed the final assignment or project.",
    SUPPORT: "Three months of help by email and a monthly open question-and-answer call "
    "after the batch ends.",
}
ALL_INCLUSIONS = tuple(INCLUSIONS)

BEGINNER = "Beginner"
INTERMEDIATE = "Intermediate"
ADVANCED = "Advanced"
QUESTION_LEVELS = (BEGINNER, INTERMEDIATE, ADVANCED)


class Question(NamedTuple):
    level: str
    question: str
    answer: str


class CourseContent(NamedTuple):
    outcomes: str
    modules: list[tuple[str, str]]  # (title, summary)
    modes: tuple[str, ...]
    inclusions: tuple[str, ...]
    questions: list[Question]
    faqs: list[tuple[str, str]]  # (question, answer)


class ArticleSpec(TypedDict):
    """A demo article: the Article fields it is created with, and its courses by slug."""

    slug: str
    title: str
    summary: str
    published_on: dt.date
    courses: list[str]
    body: str


# Content of each published course, by slug. The draft Generative AI Engineering course has
# none yet: its page is still being written.
COURSE_CONTENT = {
    "deep-learning": CourseContent(
        outcomes=bullets(
            "Build neural networks in PyTorch and train them with a training loop you write "
            "yourself",
            "Read loss curves to diagnose a poor learning rate, underfitting or overfitting, "
            "and fix them with regularisation, normalisation and early stopping",
            "Train convolutional networks for images and adapt pretrained models by transfer "
            "learning",
            "Model text and time series with recurrent networks and attention, and explain how "
            "a transformer processes a sequence",
            "Run experiments on a GPU, track them and compare results fairly on held-out data",
            "Deliver a project on your own data, from loading it to a saved, evaluated model",
        ),
        modules=[
            (
                "Tensors and automatic differentiation",
                "Tensors, broadcasting and moving work to the GPU. How `autograd` records "
                "operations and computes gradients, checked against a derivative worked out "
                "by hand.",
            ),
            (
                "Your first training loop",
                "A linear model and a small multilayer perceptron trained with a loop you "
                "write: forward pass, loss, `backward()`, optimiser step. `Dataset` and "
                "`DataLoader` for batching and shuffling.",
            ),
            (
                "Optimisation and regularisation",
                "SGD with momentum, Adam and learning-rate schedules; weight decay, dropout, "
                "batch normalisation and early stopping, each tried on the same problem so "
                "that its effect is visible.",
            ),
            (
                "Convolutional networks",
                "Convolutions, pooling and the architectures that made them work, from LeNet "
                "to ResNet. Data augmentation, and transfer learning by fine-tuning a "
                "pretrained model on a small image set.",
            ),
            (
                "Sequence models",
                "Embeddings, recurrent networks and LSTMs for text and time series, and why "
                "attention replaced them for long sequences.",
            ),
            (
                "Transformers",
                "Self-attention, positional encodings and the encoder and decoder blocks. "
                "Fine-tuning a pretrained transformer for text classification with the "
                "Hugging Face libraries.",
            ),
            (
                "Project",
                "Two weeks on a project of your choice, with experiment tracking, evaluation "
                "on a held-out test set and export of the trained model for inference.",
            ),
        ],
        modes=ALL_MODES,
        inclusions=ALL_INCLUSIONS,
        questions=[
            Question(
                BEGINNER,
                "What is the difference between an epoch, a batch and an iteration?",
                "An **epoch** is one full pass over the training set. A **batch** is the "
                "subset of examples used for one gradient update, and an **iteration** is one "
                "such update. With 10,000 examples and a batch size of 100, one epoch takes "
                "100 iterations.",
            ),
            Question(
                BEGINNER,
                "Why does a neural network need non-linear activation functions?",
                "Without them, any stack of linear layers collapses into a single linear "
                "transformation, so the network could only learn linear relationships however "
                "deep it is. Non-linearities such as ReLU between the layers let it "
                "approximate complex functions.",
            ),
            Question(
                BEGINNER,
                "What does optimizer.zero_grad() do, and what happens if you forget it?",
                "PyTorch *accumulates* gradients in each parameter's `.grad` on every "
                "`backward()` call. `zero_grad()` clears them before the next step. Forget it "
                "and every update uses the sum of the gradients of all previous batches, so "
                "training becomes erratic or diverges.",
            ),
            Question(
                INTERMEDIATE,
                "How do you recognise overfitting, and what would you try first?",
                "Training loss keeps falling while validation loss levels off or starts to "
                "rise. Try more data or data augmentation first, then regularisation (weight "
                "decay, dropout), a smaller model, or early stopping at the epoch with the "
                "best validation loss.",
            ),
            Question(
                INTERMEDIATE,
                "What is the vanishing gradient problem?",
                "Gradients in a deep network are products of many per-layer derivatives. When "
                "those are mostly smaller than one, the gradient reaching the early layers "
                "shrinks towards zero and they stop learning; saturating activations such as "
                "sigmoid make it worse. Remedies are ReLU-family activations, careful "
                "initialisation (He or Xavier), batch or layer normalisation, and residual "
                "connections.",
            ),
            Question(
                INTERMEDIATE,
                "Why call model.eval() before validation? Is it the same as torch.no_grad()?",
                "`model.eval()` switches layers that behave differently during training: "
                "dropout is turned off and batch normalisation uses its running statistics "
                "instead of the current batch's. `torch.no_grad()` is separate: it stops "
                "autograd from recording operations, which saves memory and time. For "
                "validation you normally use both.",
            ),
            Question(
                ADVANCED,
                "Why does attention in a transformer divide the dot products by √d_k?",
                "If the components of queries and keys have unit variance, the dot product "
                "of two d_k-dimensional vectors has variance d_k. Large scores push the "
                "softmax towards a single weight close to 1, where its gradients are tiny. "
                "Dividing by √d_k brings the scores back to unit variance and keeps training "
                "stable.",
            ),
            Question(
                ADVANCED,
                "What are residual connections, and why do they help very deep networks train?",
                "A residual block outputs `x + F(x)` instead of `F(x)`. The identity path "
                "carries gradients straight back to earlier layers, and each block only has "
                "to learn a correction to its input: a block that is not useful can learn "
                "`F(x) ≈ 0`. This is what made networks with a hundred or more layers, such "
                "as ResNet, trainable.",
            ),
            Question(
                ADVANCED,
                "When would you use mixed-precision training, and what is the risk?",
                "To train faster and use less memory on GPUs with tensor cores, by running "
                "most operations in float16 or bfloat16 while keeping float32 master "
                "weights. The risk with float16 is that small gradients underflow to zero: "
                "`torch.autocast` together with a `GradScaler` multiplies the loss before "
                "`backward()` and unscales the gradients before the optimiser step. bfloat16 "
                "has the same exponent range as float32 and usually needs no scaling.",
            ),
        ],
        faqs=[
            (
                "Do I need a GPU of my own?",
                "No. Labs run on a cloud notebook with a GPU, and the GPU time for the "
                "sessions and your project is included in the fee. A laptop with a modern "
                "browser is enough. If you do have an NVIDIA GPU, we help you set up "
                "PyTorch locally in the first week.",
            ),
            (
                "How much maths do I need?",
                "Matrix multiplication, the idea of a derivative and the chain rule. Apart "
                "from one guided exercise you will not derive backpropagation by hand. A "
                "refresher notebook covering exactly the maths the course uses is sent a week "
                "before the first session.",
            ),
            (
                "I have used scikit-learn but never PyTorch. Is that enough?",
                "Yes. The course assumes you know what training and test sets, features and "
                "a loss are, which scikit-learn will have taught you, and starts PyTorch from "
                "its first tensor. If you have never trained a model at all, take a "
                "machine-learning foundations course first.",
            ),
            (
                "What does the fee of INR 42,000 cover?",
                "All 40 hours of live sessions, the recordings, GPU time for labs and the "
                "project, a review of your project plan in week 3 and written feedback on the "
                "finished project. It can be paid in two instalments.",
            ),
        ],
    ),
    "python-for-data-analysis": CourseContent(
        outcomes=bullets(
            "Write Python in Jupyter notebooks: variables, lists, dictionaries, loops and "
            "functions",
            "Load CSV and Excel files into pandas and get a quick picture of what is in them",
            "Clean messy data: missing values, wrong types, duplicates, inconsistent text and "
            "dates",
            "Join, group, pivot and reshape tables to answer business questions",
            "Draw clear, labelled charts with matplotlib and seaborn",
            "Turn a manual spreadsheet report into a notebook that reruns in one click",
        ),
        modules=[
            (
                "Python in Jupyter",
                "Installing Anaconda, working in notebooks, and the core of the language: "
                "numbers, strings, lists, dictionaries, `if`, `for` loops and functions.",
            ),
            (
                "Getting data into pandas",
                "`read_csv` and `read_excel`, Series and DataFrames, selecting with `loc` and "
                "`iloc`, and a first look with `info()`, `describe()` and `value_counts()`.",
            ),
            (
                "Cleaning data",
                "Finding and handling missing values, converting types, removing duplicates, "
                "tidying text with the `.str` methods and parsing dates.",
            ),
            (
                "Combining and summarising",
                "`merge` and `concat` for joining tables, `groupby` with `agg`, pivot tables "
                "and `melt`: the pandas counterparts of VLOOKUP and Excel pivots.",
            ),
            (
                "Working with dates",
                "Date indexes, resampling daily data to weeks or months, rolling averages and "
                "change on the previous period.",
            ),
            (
                "Charts that make a point",
                "Line, bar, histogram and scatter plots with matplotlib and seaborn; choosing "
                "the right chart and labelling it so that it stands on its own.",
            ),
            (
                "Final analysis",
                "A short analysis of a public data set of your choice, presented to the group "
                "in ten minutes.",
            ),
        ],
        modes=(LIVE, FAST_TRACK, SELF_PACED, ONE_ON_ONE),
        inclusions=ALL_INCLUSIONS,
        questions=[
            Question(
                BEGINNER,
                "What is the difference between a list and a dictionary in Python?",
                "A list is an ordered sequence that you read by position (`items[0]`). A "
                'dictionary maps keys to values and you read it by key (`prices["tea"]`); '
                "keys must be unique. Use a dictionary when you look things up by name.",
            ),
            Question(
                BEGINNER,
                "What is the difference between a pandas Series and a DataFrame?",
                "A Series is a single column of values with an index. A DataFrame is a table "
                "of columns that share one index; selecting one column of a DataFrame, as in "
                '`df["city"]`, gives you a Series.',
            ),
            Question(
                BEGINNER,
                "What is the difference between loc and iloc?",
                "`loc` selects by label (index labels and column names), and its slices "
                "include the end label. `iloc` selects by integer position like a Python "
                "list, and its slices exclude the end. With the default index, `df.loc[0:2]` "
                "returns three rows while `df.iloc[0:2]` returns two.",
            ),
            Question(
                INTERMEDIATE,
                "How do you handle missing values in a DataFrame?",
                "Find them with `df.isna().sum()`, then decide column by column depending on "
                "why they are missing: drop the rows with `dropna()` if there are few and "
                "they are random; fill them with `fillna()` using a constant, the median, or "
                "the previous value in a time series; or keep them and flag them. Check how "
                "the choice changes the result before you report it.",
            ),
            Question(
                INTERMEDIATE,
                "What does groupby do?",
                "It splits the rows into groups by the values of one or more columns, applies "
                "a calculation to each group and combines the results into a new table: "
                '`df.groupby("region")["sales"].sum()` gives total sales per region. With '
                "`agg` you can compute several statistics at once.",
            ),
            Question(
                INTERMEDIATE,
                "When do you use merge and when concat?",
                "`merge` joins two tables on key columns, like a SQL join or VLOOKUP; "
                '`how="left"` keeps every row of the left table. `concat` stacks tables along '
                "an axis, for example one monthly file with the same columns below another.",
            ),
            Question(
                INTERMEDIATE,
                "Why avoid looping over rows with iterrows()?",
                "Operations on whole columns run in optimised compiled code, while a Python "
                "loop over rows is often a hundred times slower. Write "
                '`df["total"] = df["price"] * df["qty"]` instead of a loop, use `np.where` or '
                "`map` for conditional values, and keep `apply` for logic nothing vectorised "
                "can express.",
            ),
        ],
        faqs=[
            (
                "I have never written code. Will I keep up?",
                "Yes: that is who the course is written for. The first sessions teach only the "
                "Python you need for pandas, and every exercise comes in a basic and a "
                "stretch version so that you can go at your own pace.",
            ),
            (
                "What software do I need to install?",
                "Anaconda, which is free for individuals and includes Python, Jupyter, pandas "
                "and matplotlib, on Windows, macOS or Linux. Instructions are sent a week "
                "before the start. If your work laptop does not allow installs, you can follow "
                "the whole course in Google Colab in the browser.",
            ),
            (
                "Does the weekday batch really start at 07:30?",
                "Yes. Weekday batches run from 07:30 to 09:00 India time, so that you can "
                "attend before work; weekend batches run on Saturday and Sunday mornings. Both "
                "cover the same syllabus.",
            ),
            (
                "Can I go on to the Deep Learning course afterwards?",
                "This course gives you the Python and pandas that Deep Learning expects, but "
                "not the machine learning. Most learners spend a few months applying what "
                "they learnt and working through scikit-learn before they join.",
            ),
        ],
    ),
    "kubernetes-in-production": CourseContent(
        outcomes=bullets(
            "Release applications safely with Deployments, readiness probes and rollbacks",
            "Expose services inside and outside the cluster with Services and Ingress, and "
            "restrict traffic with network policies",
            "Run stateful workloads on persistent volumes and StatefulSets",
            "Size workloads with requests and limits, and scale them automatically",
            "Secure a cluster with RBAC, service accounts, Secrets and Pod Security Standards",
            "Package applications with Helm and watch them with Prometheus and Grafana",
            "Troubleshoot failing pods, nodes and networking methodically, under time pressure",
        ),
        modules=[
            (
                "Cluster architecture",
                "The control plane (API server, etcd, scheduler, controller manager) and the "
                "node components. You build a three-node cluster with kubeadm and keep it for "
                "the whole batch.",
            ),
            (
                "Workloads and releases",
                "Pods, ReplicaSets and Deployments; rolling updates with `maxSurge` and "
                "`maxUnavailable`, liveness and readiness probes, and rolling back a bad "
                "release.",
            ),
            (
                "Networking",
                "Services and cluster DNS, Ingress controllers and TLS certificates, and "
                "network policies that decide which pods may talk to each other.",
            ),
            (
                "Configuration and storage",
                "ConfigMaps and Secrets, persistent volumes and claims, storage classes, and "
                "StatefulSets for databases and queues.",
            ),
            (
                "Resources and scaling",
                "Requests, limits and quality-of-service classes, the Horizontal Pod "
                "Autoscaler, and draining nodes for maintenance without an outage.",
            ),
            (
                "Security",
                "Role-based access control, service accounts, Pod Security Standards, trusted "
                "images, and keeping Secrets out of Git.",
            ),
            (
                "Helm and GitOps",
                "Packaging an application as a Helm chart with values for each environment, "
                "and deploying it from Git with Argo CD.",
            ),
            (
                "Observability and incident drills",
                "Metrics with Prometheus, dashboards in Grafana, logs and events. The final "
                "drill breaks several things in your cluster at once.",
            ),
        ],
        modes=(LIVE, PROJECT, ONE_ON_ONE),
        inclusions=ALL_INCLUSIONS,
        questions=[
            Question(
                BEGINNER,
                "What is the difference between a Pod and a Deployment?",
                "A Pod is the smallest unit Kubernetes schedules: one or more containers that "
                "share a network namespace and volumes and run together on one node. Pods are "
                "disposable. A Deployment declares how many replicas of a pod template should "
                "run and manages ReplicaSets to keep that number and to roll out changes.",
            ),
            Question(
                BEGINNER,
                "What are the ClusterIP, NodePort and LoadBalancer Service types?",
                "**ClusterIP**, the default, gives a stable virtual IP reachable only from "
                "inside the cluster. **NodePort** also opens the same port on every node. "
                "**LoadBalancer** also asks the cloud provider for an external load balancer "
                "that forwards to the service. HTTP traffic from outside usually goes through "
                "an Ingress or Gateway in front of ClusterIP services instead.",
            ),
            Question(
                INTERMEDIATE,
                "What is the difference between a liveness probe and a readiness probe?",
                "A failing **readiness** probe takes the pod out of its Service's endpoints, "
                "so it gets no traffic, but leaves it running. A failing **liveness** probe "
                "makes the kubelet restart the container. Use readiness for *cannot serve "
                "right now* (warming up, a dependency down) and liveness only for *stuck for "
                "good*: a liveness probe that checks a slow database turns one slow "
                "dependency into a restart storm.",
            ),
            Question(
                INTERMEDIATE,
                "A pod is in CrashLoopBackOff. How do you find out why?",
                "The container keeps exiting and the kubelet waits longer before each "
                "restart. Look at `kubectl describe pod` for events and the last state's exit "
                "code (137 with reason `OOMKilled` means the memory limit was hit), then "
                "`kubectl logs <pod> --previous` for the output of the crashed container. "
                "Common causes are a missing ConfigMap or Secret, a wrong command, a failing "
                "liveness probe or a memory limit set too low.",
            ),
            Question(
                INTERMEDIATE,
                "How do resource requests and limits differ?",
                "The scheduler places pods by their **requests**: a node must have that much "
                "unreserved CPU and memory. **Limits** are enforced while the container runs: "
                "over its CPU limit it is throttled, over its memory limit it is killed. Pods "
                "whose containers all have requests equal to limits get the Guaranteed "
                "quality-of-service class and are the last to be evicted when a node runs "
                "short.",
            ),
            Question(
                ADVANCED,
                "What is a PodDisruptionBudget, and what does it not protect against?",
                "It limits how many pods of an application may be taken down at once by "
                "*voluntary* disruptions, such as `kubectl drain` during a node upgrade: with "
                "`minAvailable: 2` the eviction API refuses any eviction that would leave "
                "fewer than two ready pods. It does not protect against involuntary ones, "
                "such as a node crashing.",
            ),
            Question(
                ADVANCED,
                "How do you change a database schema under a rolling update without downtime?",
                "During a rolling update old and new pods serve traffic together, so both "
                "versions must work with the schema. Use *expand and contract*: first apply a "
                "backward-compatible migration that only adds columns or tables (as a Job "
                "before the rollout), then deploy code that uses the new shape, backfill the "
                "data, and drop the old columns only in a later release.",
            ),
            Question(
                ADVANCED,
                "How does a NetworkPolicy take effect, and what is a default-deny policy?",
                "Policies are enforced by the network plugin, such as Calico or Cilium; with "
                "a plugin that does not support them they are silently ignored. A pod accepts "
                "all traffic until some policy selects it; from then on only traffic that a "
                "policy allows gets in. A default-deny policy selects every pod in the "
                "namespace (`podSelector: {}`) and allows nothing, after which each flow is "
                "allowed explicitly.",
            ),
        ],
        faqs=[
            (
                "Will this course prepare me for the CKA exam?",
                "It covers most of the Certified Kubernetes Administrator curriculum and the "
                "fast, accurate `kubectl` work the exam rewards, and two sessions are timed, "
                "exam-style practice. The exam itself is booked with the Linux Foundation and "
                "its fee is not included in the course fee of GBP 950.",
            ),
            (
                "Which cluster do the labs run on?",
                "Each participant gets three virtual machines and builds a cluster on them "
                "with kubeadm in the first week. You keep it for the whole batch and break it "
                "on purpose in the incident drills. Nothing runs in your own cloud account, "
                "so there is no bill to watch.",
            ),
            (
                "When do the sessions run?",
                "Weekday batches meet 18:30–20:30 UK time, Monday to Friday, for four weeks. "
                "Weekend batches meet 09:30–13:00 on Saturdays and Sundays for six weeks. The "
                "schedule shows the time zone of every batch.",
            ),
            (
                "Why are the groups so small?",
                "Every learner runs their own cluster, and during drills the trainer helps "
                "each of you debug it. Twelve is the most one trainer can support on weekday "
                "evenings, and eight at weekends, when the sessions are longer and more "
                "hands-on.",
            ),
        ],
    ),
    "aws-cloud-foundations": CourseContent(
        outcomes=bullets(
            "Explain AWS Regions, Availability Zones and the shared responsibility model",
            "Launch, connect to and secure EC2 instances, and choose an instance type sensibly",
            "Store, share and protect data in S3, with the right storage class and lifecycle",
            "Design a VPC with public and private subnets, route tables and security groups",
            "Grant access safely with IAM users, roles and least-privilege policies",
            "Set budgets and alerts, and read a bill to find what is costing money",
            "Sit the AWS Certified Cloud Practitioner exam with confidence",
        ),
        modules=[
            (
                "Cloud concepts and the AWS global infrastructure",
                "Regions, Availability Zones and edge locations, the shared responsibility "
                "model, and opening an account safely with MFA on the root user.",
            ),
            (
                "Identity and access management",
                "Users, groups, roles and policies; why applications use roles rather than "
                "access keys; least privilege in practice.",
            ),
            (
                "Compute with EC2",
                "Instance types, AMIs, key pairs and security groups; user data to set up a "
                "server at launch; EBS volumes and snapshots.",
            ),
            (
                "Storage with S3",
                "Buckets and objects, storage classes and lifecycle rules, versioning, bucket "
                "policies and Block Public Access, and hosting a static website.",
            ),
            (
                "Networking with VPC",
                "CIDR ranges, public and private subnets, internet and NAT gateways, route "
                "tables, and security groups compared with network ACLs.",
            ),
            (
                "Databases and high availability",
                "RDS with Multi-AZ, an Application Load Balancer in front of an Auto Scaling "
                "group, and what happens when an Availability Zone fails.",
            ),
            (
                "Cost control and exam preparation",
                "Pricing models (On-Demand, Savings Plans, Spot), AWS Budgets and Cost "
                "Explorer, then two sessions of Cloud Practitioner practice questions.",
            ),
        ],
        modes=(LIVE, FAST_TRACK, SELF_PACED, ONE_ON_ONE),
        inclusions=ALL_INCLUSIONS,
        questions=[
            Question(
                BEGINNER,
                "What is the difference between a Region and an Availability Zone?",
                "A Region is a separate geographic area, such as Mumbai (`ap-south-1`). Each "
                "Region has several Availability Zones: one or more data centres with their "
                "own power and networking, close enough for fast links between them. "
                "Spreading an application over several zones protects it from the failure of "
                "a data centre; spreading it over Regions, from a regional outage.",
            ),
            Question(
                BEGINNER,
                "What is the shared responsibility model?",
                "AWS is responsible for security *of* the cloud: buildings, hardware and the "
                "infrastructure that runs its services. The customer is responsible for "
                "security *in* the cloud: their data, IAM settings, operating-system patches "
                "on EC2, security groups and encryption. The line moves with the service: "
                "with RDS or Lambda, AWS takes on more.",
            ),
            Question(
                BEGINNER,
                "What is the difference between S3 and EBS?",
                "S3 is object storage reached over HTTPS: practically unlimited and very "
                "durable, for files, backups and static assets. EBS is block storage attached "
                "to an EC2 instance in one Availability Zone, used like a disk for an "
                "operating system or a database.",
            ),
            Question(
                INTERMEDIATE,
                "How does a security group differ from a network ACL?",
                "A security group applies to network interfaces, is *stateful* (replies are "
                "allowed automatically) and has only allow rules. A network ACL applies to a "
                "whole subnet, is *stateless* (replies need their own rule), has allow and "
                "deny rules, and its rules are checked in order of their numbers.",
            ),
            Question(
                INTERMEDIATE,
                "What makes a subnet public or private?",
                "A subnet is public when its route table sends `0.0.0.0/0` to an internet "
                "gateway. A private subnet has no such route: its instances cannot be reached "
                "from the internet, and reach it themselves, for updates say, through a NAT "
                "gateway placed in a public subnet.",
            ),
            Question(
                INTERMEDIATE,
                "Why should an application on EC2 use an IAM role rather than access keys?",
                "A role attached through an instance profile gives the instance temporary "
                "credentials that AWS rotates automatically, so no long-lived secret sits in "
                "code, configuration or Git. Access keys in files get copied, leaked and "
                "forgotten, and a role can be changed or revoked without a redeploy.",
            ),
            Question(
                INTERMEDIATE,
                "When would you use Spot Instances, and when not?",
                "Spot Instances use spare capacity at a steep discount, but AWS can reclaim "
                "them with a two-minute warning. They suit work that can be interrupted: "
                "batch jobs, CI runners, stateless workers in an Auto Scaling group. They do "
                "not suit a single database or anything that cannot stop at short notice; "
                "steady workloads are cheaper on Savings Plans.",
            ),
            Question(
                ADVANCED,
                "How does a Multi-AZ RDS deployment differ from a read replica?",
                "A Multi-AZ instance keeps a standby in another Availability Zone, updated "
                "*synchronously*; it serves no reads, and RDS fails over to it automatically, "
                "typically within a couple of minutes. A read replica is updated "
                "*asynchronously*, serves read traffic and may be in another Region, but "
                "turning it into the primary is a manual promotion that can lose the latest "
                "writes.",
            ),
        ],
        faqs=[
            (
                "Is the Cloud Practitioner exam fee included?",
                "No. The exam is booked with AWS and taken at a test centre or online; its "
                "fee was USD 100 when we last checked. The course includes two review "
                "sessions and a bank of practice questions, and most learners sit the exam "
                "within a month of the last session.",
            ),
            (
                "Will the labs cost me money?",
                "The labs are designed to stay within the free allowances and credits AWS "
                "gives new accounts, and the first session sets up a budget alert. A few "
                "resources, such as NAT gateways and load balancers, are charged by the hour, "
                "so each lab ends with a clean-up checklist.",
            ),
            (
                "Do I need a credit card for the AWS account?",
                "AWS asks for a credit or debit card to open an account, even if you stay "
                "within the free allowances. If you cannot use one, tell us before the batch "
                "starts and we will give you a sandbox account of ours for the labs.",
            ),
            (
                "I am not a developer. Is this course for me?",
                "Yes, if you work alongside cloud teams as a tester, project manager, support "
                "engineer or in pre-sales. No programming is needed; knowing what an IP "
                "address, DNS and a firewall are will help.",
            ),
        ],
    ),
    "django-web-development": CourseContent(
        outcomes=bullets(
            "Model data with the Django ORM, write migrations and query without N+1 problems",
            "Build views, templates and forms with sound validation and clear error messages",
            "Add sign-up, login and permissions, and give staff a back office in the admin",
            "Write automated tests with pytest and the Django test client",
            "Deploy to a Linux server with PostgreSQL, gunicorn and nginx, with settings read "
            "from the environment",
            "Work as professional teams do: Git branches, pull requests and code review",
        ),
        modules=[
            (
                "Project set-up and the request cycle",
                "Virtual environments, `startproject`, settings, URLconfs, and how a request "
                "travels through middleware to a view and back.",
            ),
            (
                "Models and migrations",
                "Fields, relationships, constraints and `Meta` options; creating and applying "
                "migrations, including data migrations.",
            ),
            (
                "Querying with the ORM",
                "Lazy QuerySets, `filter`, `annotate` and `aggregate`, `select_related` and "
                "`prefetch_related`, and spotting needless queries with the debug toolbar.",
            ),
            (
                "Views and templates",
                "Function-based and class-based views, template inheritance and partials, and "
                "static files.",
            ),
            (
                "Forms and validation",
                "Forms and ModelForms, validation in the form and in the model, CSRF "
                "protection, and error messages people understand.",
            ),
            (
                "Users, permissions and the admin",
                "Authentication views, a custom user model, permissions and groups, and an "
                "admin with list filters, search and actions.",
            ),
            (
                "Testing",
                "pytest-django, fixtures and factories, testing views through the client, and "
                "asserting how many queries a page runs.",
            ),
            (
                "Deployment",
                "PostgreSQL, gunicorn behind nginx, static files with WhiteNoise, settings "
                "from the environment, HTTPS and `manage.py check --deploy`.",
            ),
        ],
        modes=(LIVE, PROJECT, FAST_TRACK, ONE_ON_ONE),
        inclusions=ALL_INCLUSIONS,
        questions=[
            Question(
                BEGINNER,
                "What is the difference between a Django project and an app?",
                "A project is the whole site: its settings, root URLconf and WSGI or ASGI "
                "entry point. An app is a Python package that does one job (a blog, "
                "payments, a catalogue) with its own models, views and templates, listed in "
                "`INSTALLED_APPS`. A project is made of several apps.",
            ),
            Question(
                BEGINNER,
                "What does makemigrations do, and how is it different from migrate?",
                "`makemigrations` compares your models with the state recorded in the "
                "existing migration files and writes new files describing the changes. "
                "`migrate` applies the migrations the database has not had yet and records "
                "them in the `django_migrations` table. Migration files belong in version "
                "control.",
            ),
            Question(
                BEGINNER,
                "What is CSRF, and how does Django protect against it?",
                "Cross-site request forgery makes a logged-in user's browser send a request "
                "to your site from another site. Django's `CsrfViewMiddleware` requires a "
                "secret token on unsafe requests such as POST; templates add it to forms with "
                "`{% csrf_token %}`, and another site cannot read it.",
            ),
            Question(
                INTERMEDIATE,
                "What is the N+1 query problem, and how do you fix it in Django?",
                "Looping over N objects and following a relation on each runs one query for "
                "the list plus one per row. Use `select_related()` for foreign keys and "
                "one-to-one fields (a SQL join) and `prefetch_related()` for many-to-many and "
                "reverse relations (one extra query per relation). Pin the fix in a test with "
                "`assertNumQueries` or pytest-django's `django_assert_num_queries`.",
            ),
            Question(
                INTERMEDIATE,
                "When is a QuerySet evaluated?",
                "Building and chaining a QuerySet runs no query. It is evaluated when you "
                "iterate over it, call `list()`, `len()` or `bool()` on it, or slice it with "
                "a step; methods such as `count()`, `exists()`, `get()` and `first()` run "
                "their own query. An evaluated QuerySet caches its rows, so iterating it "
                "again does not query again.",
            ),
            Question(
                INTERMEDIATE,
                "What is the difference between null=True and blank=True?",
                "`null=True` is about the database: the column may hold NULL. `blank=True` is "
                "about validation: forms and `full_clean()` accept an empty value. For text "
                "fields the convention is `blank=True` without `null=True`, so that an empty "
                "value is always an empty string rather than two kinds of empty.",
            ),
            Question(
                ADVANCED,
                "How do you stop two requests from booking the last seat at the same time?",
                "Lock, then check, then write, in one transaction: inside "
                "`transaction.atomic()`, fetch the row with `select_for_update()`, count the "
                "seats taken and create the booking. The second request waits for the lock "
                "and then sees the first booking. A database constraint is a safety net for "
                "any rule it can express.",
            ),
            Question(
                ADVANCED,
                "What does an F() expression do, and why use it for a counter?",
                "`F()` refers to a column's value inside the database. "
                '`Product.objects.filter(pk=pk).update(stock=F("stock") - 1)` runs a single '
                "UPDATE computed by the database, so two concurrent requests cannot overwrite "
                "each other's change as they can when Python reads, subtracts and saves.",
            ),
        ],
        faqs=[
            (
                "Where do the weekend classroom batches meet?",
                "At the Batchwise Training Centre on 80 Feet Road, Koramangala, Bengaluru, on "
                "the third floor. Weekday batches are online. Bring your own laptop; Wi-Fi, "
                "power at every desk and tea are provided.",
            ),
            (
                "Which versions of Python and Django does the course use?",
                "The latest Django feature release and a Python version it supports. The "
                "materials are updated for each new feature release, and the trainer points "
                "out what differs in older versions you may meet at work.",
            ),
            (
                "Do I need to know HTML and CSS?",
                "Basic HTML helps: you should recognise a form, a link and a list. You do not "
                "need CSS; the project starts from a Bootstrap layout so that you can spend "
                "the time on Django.",
            ),
            (
                "Will I have something to show employers?",
                "Yes. The booking application you build is in your own Git repository, "
                "deployed to a server, with the trainer's review comments on your pull "
                "requests. Many learners link it from their CV.",
            ),
        ],
    ),
    "system-design": CourseContent(
        outcomes=bullets(
            "Clarify requirements and estimate load, storage and bandwidth before choosing "
            "components",
            "Choose between relational and document stores, and plan partitioning and "
            "replication for growth",
            "Use caches, queues and event streams where they help, and say what each costs",
            "Reason about consistency, availability and failure, and design retries and "
            "idempotency correctly",
            "Build in rate limiting, observability and graceful degradation from the start",
            "Present and defend a design in a review or an interview, trade-offs included",
        ),
        modules=[
            (
                "A method for design problems",
                "Requirements, back-of-the-envelope estimates, an API sketch, a data model "
                "and a first diagram, then finding the bottlenecks. Exercise: a URL "
                "shortener.",
            ),
            (
                "Load balancing and caching",
                "Layer 4 and layer 7 load balancers; cache-aside, write-through and "
                "write-back caches, invalidation and the thundering herd.",
            ),
            (
                "Data modelling and storage",
                "Relational and document models, indexes, and choosing storage by access "
                "pattern. Exercise: a ticket booking system that must never double-book.",
            ),
            (
                "Partitioning and replication",
                "Hash and range partitioning, consistent hashing, leader-follower and "
                "leaderless replication, and living with replication lag.",
            ),
            (
                "Consistency and transactions",
                "The CAP theorem read carefully, linearizability and eventual consistency, "
                "isolation levels, and sagas instead of distributed transactions. Exercise: a "
                "payments ledger.",
            ),
            (
                "Queues and event streams",
                "Message queues and logs such as Kafka, delivery guarantees and idempotent "
                "consumers. Exercise: a news feed.",
            ),
            (
                "Reliability in operation",
                "Timeouts, retries with backoff, circuit breakers, rate limits, and service "
                "level objectives with the metrics, logs and traces to check them.",
            ),
        ],
        modes=(LIVE, PROJECT, ONE_ON_ONE),
        # Design reviews are not recorded: see the course's FAQ.
        inclusions=(MATERIALS, PRACTICALS, CERTIFICATE, SUPPORT),
        questions=[
            Question(
                BEGINNER,
                "What is the difference between vertical and horizontal scaling?",
                "Vertical scaling gives one machine more CPU, memory or disk: simple, but "
                "capped, and still a single point of failure. Horizontal scaling adds more "
                "machines behind a load balancer: it goes much further and survives the loss "
                "of a machine, but the service must be stateless or its state partitioned.",
            ),
            Question(
                BEGINNER,
                "How does a cache-aside cache work?",
                "The application reads from the cache first. On a miss it reads from the "
                "database and stores the result in the cache with an expiry time; on a write "
                "it updates the database and deletes the cached entry. It is simple and "
                "survives a cache outage, but every miss is slow and entries can be stale "
                "until they expire or are deleted.",
            ),
            Question(
                INTERMEDIATE,
                "What does the CAP theorem actually say?",
                "When a network partition separates the nodes of a distributed data store, it "
                "must choose between consistency (every read sees the latest write) and "
                "availability (every request to a working node gets an answer). Partitions "
                "are not optional, so it is not a free choice of two out of three; without a "
                "partition the everyday trade-off is latency against consistency, as the "
                "PACELC formulation puts it.",
            ),
            Question(
                INTERMEDIATE,
                "Why must retried operations be idempotent, and how do you make them so?",
                "A timeout does not tell the client whether the request was carried out, so "
                "a retry may do it twice: charge a card twice, say. The client sends an "
                "idempotency key with the request; the server stores the key and the result "
                "in the same transaction as the effect and, when the key comes again, returns "
                "the stored result instead of acting again.",
            ),
            Question(
                INTERMEDIATE,
                "How does consistent hashing help when you add a cache node?",
                "With `hash(key) % N`, changing N moves almost every key to another node and "
                "empties the cache in effect. Consistent hashing places nodes and keys on a "
                "ring and gives each key to the next node along it, so adding a node moves "
                "only about 1/N of the keys. Virtual nodes, many points per server, even out "
                "the load.",
            ),
            Question(
                ADVANCED,
                "What is the transactional outbox pattern?",
                "A service that must update its database and publish an event cannot do both "
                "atomically. Instead it writes the event to an outbox table in the same "
                "transaction as the change, and a relay reads the outbox (by polling or change "
                "data capture) and publishes to the broker. Delivery is at least once, so "
                "consumers must be idempotent.",
            ),
            Question(
                ADVANCED,
                "How would you design rate limiting for a public API?",
                "Choose the key (API key, user or IP address) and the limits, then the "
                "algorithm: a token bucket allows short bursts while holding the average "
                "rate. Keep the counters in a shared store such as Redis, updated atomically, "
                "so that every gateway instance sees the same count. Answer "
                "`429 Too Many Requests` with a `Retry-After` header, and decide whether to "
                "fail open or closed when the store is down.",
            ),
            Question(
                ADVANCED,
                "Why add jitter to exponential backoff?",
                "If many clients fail at the same moment and retry after the same delays, "
                "their retries arrive in synchronised waves that can knock a recovering "
                "service over again. Making each delay random, for example anywhere between "
                "zero and the exponential cap, spreads the retries out.",
            ),
        ],
        faqs=[
            (
                "Why is the fee quoted on request?",
                "It depends on the size of the group and on whether you book for a team, "
                "which often wants exercises based on its own systems. Send an enquiry with "
                "the number of participants and we reply with a quote within two working "
                "days.",
            ),
            (
                "Are the sessions recorded?",
                "No. The design reviews work because people think aloud and get things wrong "
                "in front of each other, and a recording makes everyone guarded. After each "
                "session you receive the slides, worked solutions to the exercises and the "
                "trainer's notes instead.",
            ),
            (
                "Will this help me with system design interviews?",
                "Yes. The method taught in the first session is the one interviewers look "
                "for, and the last week includes two mock interviews with written feedback. "
                "The course is also about making these decisions at work, which interviewers "
                "can tell.",
            ),
            (
                "When do the sessions run?",
                "Weekday batches meet 19:30–21:00 US Eastern time, Monday to Friday; weekend "
                "batches 10:00–12:30 Eastern on Saturdays and Sundays, which is afternoon in "
                "Europe and evening in India.",
            ),
        ],
    ),
}

# Pairs of related courses; the relation is symmetrical, so each pair links both ways.
RELATED_COURSES = [
    ("deep-learning", "python-for-data-analysis"),
    ("python-for-data-analysis", "django-web-development"),
    ("django-web-development", "system-design"),
    ("system-design", "kubernetes-in-production"),
    ("kubernetes-in-production", "aws-cloud-foundations"),
]

GENERAL_FAQS = [
    (
        "Can I pay the fee in instalments?",
        "Yes. For any course with a published fee you can pay half when you book your seat "
        "and the rest before the third week of the batch. We accept cards, UPI, net banking "
        "and bank transfer, and companies can ask for an invoice with their tax details.",
    ),
    (
        "What if I miss a live session?",
        "Sessions are recorded, and the recording appears in your learner area within a few "
        "hours together with that session's materials. Watch it before the next session and "
        "bring your questions; the trainer takes them at the start. Where a course's sessions "
        "are not recorded, its page says so.",
    ),
    (
        "Can I get a refund or move to another batch?",
        paragraphs(
            "You can move to a later batch of the same course once, free of charge, up to the "
            "start of its third session. Refunds work as follows:",
            bullets(
                "up to seven days before the batch starts: a full refund;",
                "after that, until the end of the second session: half the fee;",
                "after the second session: no refund, but you can still move batch once.",
            ),
            "If we cancel a batch, you choose between a full refund and a seat in another one.",
        ),
    ),
    (
        "Does the certificate expire?",
        "No. The Batchwise certificate of completion names the course, the dates and the "
        "hours, carries a link that employers can use to verify it, and does not expire. It is "
        "not a vendor certification: exams such as AWS Cloud Practitioner or the CKA are "
        "booked and paid for separately.",
    ),
    (
        "Do you train teams within a company?",
        "Yes. Any course can run as a private batch for your team, online or at your office, "
        "on dates that suit you and with examples from your own stack. Private batches start "
        "at six participants; send an enquiry and we will propose a plan and a quote.",
    ),
]

ARTICLES: list[ArticleSpec] = [
    {
        "slug": "weekday-or-weekend-batch",
        "title": "Weekday or weekend batch: how to choose",
        "summary": "Both tracks cover the same syllabus in about the same hours. What differs "
        "is the rhythm, and which one suits you depends on your week more than on the course.",
        "published_on": dt.date(2026, 2, 10),
        "courses": ["python-for-data-analysis", "deep-learning", "django-web-development"],
        "body": paragraphs(
            "Most of our courses run on two tracks with the same syllabus and the same "
            "trainers: a weekday batch that meets on weekday evenings for four weeks, and a "
            "weekend batch that meets on Saturdays and Sundays for six. The hours come to "
            "roughly the same. What differs is the rhythm, and the rhythm matters more than "
            "most people expect.",
            "## How the two tracks compare",
            bullets(
                "**Weekday batches** meet Monday to Friday for about two hours, usually in the "
                "evening. The Python for Data Analysis weekday batch meets at 07:30, before "
                "work.",
                "**Weekend batches** meet on Saturday and Sunday for two and a half to three "
                "and a half hours a day.",
                "Both are live, both are recorded, and both end with the same project or "
                "assessment.",
            ),
            "## Choose a weekday batch if",
            bullets(
                "you learn best in short, frequent sessions and like to practise a little "
                "every day;",
                "your weekends already belong to family, travel or a second job;",
                "you want to finish sooner: four weeks rather than six.",
            ),
            "## Choose a weekend batch if",
            bullets(
                "your weekday evenings are unpredictable because of on-call rotas, late "
                "meetings or a long commute;",
                "the course is hands-on and you want long blocks for labs (Django weekend "
                "batches also meet in our Bengaluru classroom);",
                "you need the days between sessions for the assignments.",
            ),
            "Whichever you choose, plan for the time between sessions as well as the sessions "
            "themselves: learners who finish well spend three to five hours a week on "
            "exercises. If neither track fits, one-on-one training runs on the days and at the "
            "times you choose.",
        ),
    },
    {
        "slug": "preparing-for-a-deep-learning-interview",
        "title": "Preparing for a deep learning interview",
        "summary": "What interviewers for deep learning roles tend to ask, and how to prepare: "
        "the fundamentals, one project told well, and a training loop you can write from "
        "memory.",
        "published_on": dt.date(2026, 4, 21),
        "courses": ["deep-learning"],
        "body": paragraphs(
            "Deep learning interviews vary from company to company, but most cover the same "
            "three things: whether you understand how networks learn, whether you have "
            "trained one on a real problem, and whether you can write the code without a "
            "tutorial open beside you.",
            "## Know the fundamentals well",
            bullets(
                "Backpropagation and the chain rule, well enough to explain them at a whiteboard.",
                "Why we use non-linear activations, and what vanishing gradients are.",
                "Overfitting: how to spot it in the loss curves and what to do about it.",
                "How attention works, and why the scores are scaled.",
            ),
            "## Tell one project well",
            "Pick one project and know it in depth: the data and how you split it, the "
            "baseline you started from, what you changed and why, what did not work, and how "
            "you measured the result. Interviewers learn more from a candid account of a "
            "modest project than from a list of architectures.",
            "## Write a training loop from memory",
            "Many interviews include a short coding exercise. Make sure you can write the "
            "heart of a PyTorch training loop without looking it up:",
            "```python\n"
            "model.train()\n"
            "for inputs, targets in loader:\n"
            "    optimizer.zero_grad()\n"
            "    loss = loss_fn(model(inputs), targets)\n"
            "    loss.backward()\n"
            "    optimizer.step()\n"
            "```",
            "Finally, practise saying *I don't know, but here is how I would find out*. It is "
            "a better answer than a confident guess, and interviewers notice.",
        ),
    },
    {
        "slug": "from-excel-to-pandas-a-first-week-plan",
        "title": "From Excel to pandas: a first week plan",
        "summary": "Five short sessions that take you from a spreadsheet you rebuild by hand "
        "every week to a notebook that does it for you.",
        "published_on": dt.date(2026, 6, 16),
        "courses": ["python-for-data-analysis"],
        "body": paragraphs(
            "The quickest way to learn pandas is to rebuild a report you already make in "
            "Excel. You know what the answer should be, so you can tell at once when the code "
            "is wrong. Set aside an hour a day for a week and pick a workbook that you update "
            "regularly.",
            "## The plan",
            numbered(
                "**Day 1:** install Anaconda, open Jupyter and load your workbook with "
                "`pd.read_excel`. Look at it with `head()`, `info()` and `describe()`.",
                "**Day 2:** clean it. Rename columns, fix types, and find the blanks with "
                "`isna().sum()`.",
                "**Day 3:** rebuild your lookups with `merge` and your totals with `groupby`.",
                "**Day 4:** rebuild your pivot table with `pivot_table` and draw one chart.",
                "**Day 5:** run the whole notebook from the top on next week's file and "
                "compare the result with the spreadsheet.",
            ),
            "## What replaces what",
            "| In Excel | In pandas |\n"
            "| --- | --- |\n"
            "| VLOOKUP or XLOOKUP | `merge` |\n"
            "| SUMIFS | `groupby(...).sum()` |\n"
            "| Pivot table | `pivot_table` |\n"
            "| Filter | `df[df.column > value]` or `query` |",
            "Do not try to learn all of Python first. A handful of ideas carries you a long "
            "way, and the rest is easier to learn once pandas has already saved you an hour "
            "a week.",
        ),
    },
    {
        "slug": "what-to-learn-before-kubernetes",
        "title": "What to learn before Kubernetes",
        "summary": "Kubernetes is much easier to learn when Linux, containers and networking "
        "are already familiar. A short checklist of what to know first.",
        "published_on": dt.date(2026, 9, 8),
        "courses": ["kubernetes-in-production", "aws-cloud-foundations"],
        "body": paragraphs(
            "Most of the trouble people have with Kubernetes is not about Kubernetes. It is "
            "about the layers underneath: a process that will not start, a port nobody "
            "listens on, a DNS name that does not resolve. When those are familiar, "
            "Kubernetes is a set of ideas built on top of them, and it becomes much easier to "
            "learn.",
            "## Check yourself",
            bullets(
                "**Linux:** you can find a process, read its logs, check open ports with "
                "`ss -tlnp` and edit a file on a server.",
                "**Containers:** you can write a Dockerfile, build an image, run it with a "
                "port published and an environment variable set, and explain what an image "
                "layer is.",
                "**Networking:** you know what an IP address, a port, DNS, a load balancer "
                "and TLS are for.",
                "**YAML:** you can read nested maps and lists and spot an indentation error.",
            ),
            "If two or more of these are shaky, spend a few weeks on them first. Building and "
            "running two or three containers by hand teaches more than any diagram.",
            "## A cloud course first?",
            "You do not need a cloud certification to learn Kubernetes, but managed clusters "
            "run on cloud networks and storage. If you will run clusters on AWS, knowing VPCs, "
            "security groups and IAM roles makes the managed services much less mysterious.",
        ),
    },
]


def in_order[T](items: Iterable[T]) -> Iterator[tuple[int, T]]:
    """Pair each item with its order number: 10, 20, 30 …"""
    return zip(count(ORDER_STEP, ORDER_STEP), items, strict=False)


def present[T](rows: Iterable[T | None]) -> list[T]:
    """The rows that exist: a row the run left out (courses.demo.fill) is None."""
    return [row for row in rows if row is not None]


def load_content(*, courses: Mapping[str, Course], fill: Fill) -> None:
    """Create the missing demo content of `courses` (keyed by slug) through `fill`, which keeps
    every existing row as it is."""
    modes = {
        name: fill.ensure(TrainingMode, {"name": name}, {"description": text, "order": order})
        for order, (name, text) in in_order(TRAINING_MODES.items())
    }
    inclusions = {
        name: fill.ensure(Inclusion, {"name": name}, {"description": text, "order": order})
        for order, (name, text) in in_order(INCLUSIONS.items())
    }
    levels = {
        name: fill.ensure(QuestionLevel, {"name": name}, {"order": order})
        for order, name in in_order(QUESTION_LEVELS)
    }

    for slug, content in COURSE_CONTENT.items():
        course = courses.get(slug)
        if course is None:  # left out of the catalog
            continue
        if fill.is_new(course):
            course.outcomes = content.outcomes
            course.full_clean()
            course.save()
            course.training_modes.set(present(modes[name] for name in content.modes))
            course.inclusions.set(present(inclusions[name] for name in content.inclusions))
        for order, (title, summary) in in_order(content.modules):
            fill.ensure(
                CurriculumModule,
                {"course": course, "title": title},
                {"summary": summary, "order": order},
            )
        for order, item in in_order(content.questions):
            fill.ensure(
                InterviewQuestion,
                {"course": course, "question": item.question},
                {"level": levels[item.level], "answer": item.answer, "order": order},
            )
        for order, (question, answer) in in_order(content.faqs):
            fill.ensure(
                FAQ, {"course": course, "question": question}, {"answer": answer, "order": order}
            )

    # A new course is linked to its related courses; add() on a symmetrical relation links the
    # other course back, which only adds the new course to its list.
    for first, second in RELATED_COURSES:
        course, other = courses.get(first), courses.get(second)
        if course is None or other is None:  # left out of the catalog
            continue
        if fill.is_new(course) or fill.is_new(other):
            course.related_courses.add(other)

    for order, (question, answer) in in_order(GENERAL_FAQS):
        fill.ensure(FAQ, {"course": None, "question": question}, {"answer": answer, "order": order})

    for entry in ARTICLES:
        values = {name: value for name, value in entry.items() if name not in {"slug", "courses"}}
        article = fill.ensure(Article, {"slug": entry["slug"]}, values | {"is_published": True})
        if article is not None and fill.is_new(article):
            article.courses.set(present(courses.get(slug) for slug in entry["courses"]))
