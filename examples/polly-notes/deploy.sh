#!/usr/bin/env bash
# deploy.sh builds the Polly Notes application with the AWS CLI, the same
# commands the course has you type: a DynamoDB table with seed notes, two S3
# buckets (MP3s, web site), an IAM role per function, five Lambda functions,
# the PollyNotesAPI REST API deployed to its Prod stage, and the web front end.
#
# It is safe to run again: every step checks before it creates, and a re-run
# updates the functions' code, the web files and redeploys the API.
#
# Environment:
#   ENDPOINT        nimbus's endpoint (default http://localhost:4566); the
#                   empty string leaves the CLI's own endpoints (real AWS:
#                   untested there, and an account's Block Public Access
#                   refuses the web bucket's public-read policy)
#   AWS_DEFAULT_REGION  region (default us-east-1)
#   TABLE_NAME      DynamoDB table (default Notes)
#   MP3_BUCKET      bucket for the dictated MP3s (default pollynotes-mp3-ACCOUNT)
#   WEB_BUCKET      bucket for the web front end (default pollynotes-web-ACCOUNT)
#   RUNTIME         Lambda runtime (default python3.12)
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")"

ENDPOINT=${ENDPOINT-http://localhost:4566}
export AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-${AWS_REGION:-us-east-1}}
export AWS_PAGER=""
REGION=$AWS_DEFAULT_REGION
TABLE_NAME=${TABLE_NAME:-Notes}
RUNTIME=${RUNTIME:-python3.12}
API_NAME=PollyNotesAPI
STAGE=Prod
FUNCTIONS=(list createUpdate search delete dictate)

# nimbus accepts any credentials; give the CLI some when none are configured.
if [ -n "$ENDPOINT" ] && [ -z "${AWS_ACCESS_KEY_ID:-}" ] && [ -z "${AWS_PROFILE:-}" ] &&
	! command aws configure get aws_access_key_id >/dev/null 2>&1; then
	export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
fi

# Every command below is what a student types, plus --endpoint-url.
aws() {
	if [ -n "$ENDPOINT" ]; then
		command aws --endpoint-url "$ENDPOINT" "$@"
	else
		command aws "$@"
	fi
}
step() { printf '==> %s\n' "$*"; }

BUILD=$(mktemp -d)
# On a failure, stop the steps still running before removing their files.
trap 'kill $(jobs -p) 2>/dev/null || true; wait; rm -rf "$BUILD"' EXIT

# The account the ARNs name. Without STS (an older nimbus), nimbus's default.
ACCOUNT_ID=$(AWS_MAX_ATTEMPTS=1 aws sts get-caller-identity --query Account --output text 2>/dev/null) || ACCOUNT_ID=000000000000
MP3_BUCKET=${MP3_BUCKET:-pollynotes-mp3-$ACCOUNT_ID}
WEB_BUCKET=${WEB_BUCKET:-pollynotes-web-$ACCOUNT_ID}

# jobs: steps that do not depend on each other run side by side (each CLI
# call costs most of a second); finish waits for them and fails if one did.
pids=()
finish() {
	local failed=0 p
	for p in "${pids[@]}"; do wait "$p" || failed=1; done
	pids=()
	[ $failed = 0 ] || { echo "deploy.sh: a step failed (see above)" >&2; exit 1; }
}

# --- DynamoDB -----------------------------------------------------------------
table() {
	if aws dynamodb describe-table --table-name "$TABLE_NAME" >/dev/null 2>&1; then
		step "table $TABLE_NAME exists"
		return
	fi
	step "creating table $TABLE_NAME and its seed notes"
	sed "s/\"Notes\"/\"$TABLE_NAME\"/" dynamodb/notes-table.json >"$BUILD/notes-table.json"
	sed "s/^  \"Notes\"/  \"$TABLE_NAME\"/" dynamodb/notes-seed.json >"$BUILD/notes-seed.json"
	aws dynamodb create-table --cli-input-json "file://$BUILD/notes-table.json" >/dev/null
	aws dynamodb wait table-exists --table-name "$TABLE_NAME"
	aws dynamodb batch-write-item --request-items "file://$BUILD/notes-seed.json" >/dev/null
}
table &
pids+=($!)

# --- S3 -----------------------------------------------------------------------
bucket() {
	if aws s3api head-bucket --bucket "$1" >/dev/null 2>&1; then
		step "bucket $1 exists"
	else
		step "creating bucket $1"
		aws s3 mb "s3://$1" >/dev/null
	fi
}
bucket "$MP3_BUCKET" &
pids+=($!)
bucket "$WEB_BUCKET" &
pids+=($!)

# --- IAM and Lambda: per function, a role allowed exactly what the function
# does, then the function --------------------------------------------------------
# An older nimbus has no IAM: Lambda accepts any role ARN there, so the roles
# are only named.
iam=yes
if ! out=$(AWS_MAX_ATTEMPTS=1 aws iam list-roles --max-items 1 2>&1); then
	case $out in
	*UnknownService* | *"Unable to parse response"*) iam=no ;;
	*) printf '%s\n' "$out" >&2; exit 1 ;;
	esac
fi
[ $iam = yes ] || step "this endpoint has no IAM: the functions name roles that are not created"

role() { # FUNCTION: prints the ARN of its role
	local role=PollyNotes-$1-role
	if [ $iam = no ]; then
		echo "arn:aws:iam::$ACCOUNT_ID:role/$role"
		return
	fi
	local arn
	if ! arn=$(aws iam get-role --role-name "$role" --query Role.Arn --output text 2>/dev/null); then
		step "creating role $role" >&2
		arn=$(aws iam create-role --role-name "$role" \
			--assume-role-policy-document file://iam/lambda-trust-policy.json --query Role.Arn --output text)
	fi
	sed -e "s/\${REGION}/$REGION/g" -e "s/\${ACCOUNT_ID}/$ACCOUNT_ID/g" \
		-e "s/\${TABLE_NAME}/$TABLE_NAME/g" -e "s/\${MP3_BUCKET_NAME}/$MP3_BUCKET/g" \
		"iam/$1-policy.json" >"$BUILD/$1-policy.json"
	aws iam put-role-policy --role-name "$role" --policy-name "PollyNotes-$1" \
		--policy-document "file://$BUILD/$1-policy.json"
	echo "$arn"
}

lambda_function() { # FUNCTION: creates it, or updates its code
	local fn=$1 arn
	(cd "functions/$fn" && zip -q -X "$BUILD/$fn.zip" app.py)
	arn=$(role "$fn")
	if grep -qx "$fn" "$BUILD/functions"; then
		step "updating the code of function $fn"
		aws lambda update-function-code --function-name "$fn" --zip-file "fileb://$BUILD/$fn.zip" >/dev/null
		aws lambda wait function-updated-v2 --function-name "$fn"
	else
		step "creating function $fn"
		aws lambda create-function --function-name "$fn" --runtime "$RUNTIME" \
			--handler app.lambda_handler --zip-file "fileb://$BUILD/$fn.zip" \
			--role "$arn" --timeout 30 \
			--environment "Variables={TABLE_NAME=$TABLE_NAME,MP3_BUCKET_NAME=$MP3_BUCKET}" >/dev/null
		touch "$BUILD/$fn.new"
	fi
}
aws lambda list-functions --query "Functions[].FunctionName" --output text | tr '\t' '\n' >"$BUILD/functions"
for fn in "${FUNCTIONS[@]}"; do
	lambda_function "$fn" &
	pids+=($!)
done
finish

# --- API Gateway: PollyNotesAPI ---------------------------------------------------
API_ID=$(aws apigateway get-rest-apis --query "items[?name=='$API_NAME'].id" --output text)
if [ -z "$API_ID" ]; then
	step "creating REST API $API_NAME"
	read -r API_ID ROOT < <(aws apigateway create-rest-api --name "$API_NAME" \
		--endpoint-configuration types=REGIONAL --query "[id,rootResourceId]" --output text)
	new_api=yes
	printf '/\t%s\t\n' "$ROOT" >"$BUILD/resources"
else
	step "REST API $API_NAME exists: $API_ID"
	new_api=no
	# The API's resources as "path id methods" lines, to check before creating.
	aws apigateway get-resources --rest-api-id "$API_ID" \
		--query "items[].[path,id,join(',',keys(resourceMethods||\`{}\`))]" --output text >"$BUILD/resources"
fi
resource_id() { awk -v p="$1" '$1 == p { print $2 }' "$BUILD/resources"; }
has_method() { awk -v p="$1" -v m="$2" '$1 == p && ("," $3 ",") ~ ("," m ",") { found = 1 } END { exit !found }' "$BUILD/resources"; }
resource() { # PATH PARENT_ID PATH_PART: the resource's id, created if missing
	local id
	id=$(resource_id "$1")
	[ -n "$id" ] || id=$(aws apigateway create-resource --rest-api-id "$API_ID" --parent-id "$2" \
		--path-part "$3" --query id --output text)
	echo "$id"
}
NOTES=$(resource /notes "$(resource_id /)" notes)
resource /notes/search "$NOTES" search >"$BUILD/search.id" &
pids+=($!)
resource "/notes/{id}" "$NOTES" "{id}" >"$BUILD/note.id" &
pids+=($!)
model() {
	if [ $new_api = yes ] || [ -z "$(aws apigateway get-models --rest-api-id "$API_ID" --query "items[?name=='NoteModel'].name" --output text)" ]; then
		step "creating model NoteModel"
		aws apigateway create-model --rest-api-id "$API_ID" --name NoteModel \
			--content-type application/json --schema file://api/note-model.json >/dev/null
	fi
}
model &
pids+=($!)
VALIDATOR=
[ $new_api = yes ] || VALIDATOR=$(aws apigateway get-request-validators --rest-api-id "$API_ID" --query "items[?name=='Validate body'].id" --output text)
if [ -z "$VALIDATOR" ]; then
	step "creating request validator \"Validate body\""
	VALIDATOR=$(aws apigateway create-request-validator --rest-api-id "$API_ID" --name "Validate body" \
		--validate-request-body --no-validate-request-parameters --query id --output text)
fi
finish
SEARCH=$(cat "$BUILD/search.id")
NOTE=$(cat "$BUILD/note.id")

ALLOW_ORIGIN='{"method.response.header.Access-Control-Allow-Origin": "'"'*'"'"}'
ALLOW_ORIGIN_DECLARED='{"method.response.header.Access-Control-Allow-Origin": false}'

# method_response PATH RESOURCE_ID VERB: whether the method has its 200
# response (put-method-response refuses to replace one).
method_response() {
	has_method "$1" "$3" &&
		aws apigateway get-method-response --rest-api-id "$API_ID" --resource-id "$2" \
			--http-method "$3" --status-code 200 >/dev/null 2>&1
}

# lambda_method PATH RESOURCE_ID VERB FUNCTION REQUEST_TEMPLATES RESPONSE_TEMPLATES
# [put-method options...]: a Lambda non-proxy (AWS) integration; the
# templates are files of mapping templates, or empty.
lambda_method() {
	local path=$1 rid=$2 verb=$3 fn=$4 req=() resp=()
	[ -z "$5" ] || req=(--request-templates "file://$5")
	[ -z "$6" ] || resp=(--response-templates "file://$6")
	shift 6
	if ! has_method "$path" "$verb"; then
		aws apigateway put-method --rest-api-id "$API_ID" --resource-id "$rid" --http-method "$verb" \
			--authorization-type NONE "$@" >/dev/null
	fi
	aws apigateway put-integration --rest-api-id "$API_ID" --resource-id "$rid" --http-method "$verb" \
		--type AWS --integration-http-method POST \
		--uri "arn:aws:apigateway:$REGION:lambda:path/2015-03-31/functions/arn:aws:lambda:$REGION:$ACCOUNT_ID:function:$fn/invocations" \
		"${req[@]}" >/dev/null
	if ! method_response "$path" "$rid" "$verb"; then
		aws apigateway put-method-response --rest-api-id "$API_ID" --resource-id "$rid" --http-method "$verb" \
			--status-code 200 --response-models application/json=Empty \
			--response-parameters "$ALLOW_ORIGIN_DECLARED" >/dev/null
	fi
	aws apigateway put-integration-response --rest-api-id "$API_ID" --resource-id "$rid" --http-method "$verb" \
		--status-code 200 --response-parameters "$ALLOW_ORIGIN" "${resp[@]}" >/dev/null
	# API Gateway may call the function, only for this method of this API.
	local sid=apigateway-$API_ID-$verb-$rid
	if [ -e "$BUILD/$fn.new" ] ||
		! aws lambda get-policy --function-name "$fn" --query Policy --output text 2>/dev/null | grep -q "\"$sid\""; then
		aws lambda add-permission --function-name "$fn" --statement-id "$sid" \
			--action lambda:InvokeFunction --principal apigateway.amazonaws.com \
			--source-arn "arn:aws:execute-api:$REGION:$ACCOUNT_ID:$API_ID/*/$verb${path//\{id\}/*}" >/dev/null
	fi
}

# enable_cors PATH RESOURCE_ID METHODS: what the console's "Enable CORS"
# creates, an OPTIONS method whose MOCK integration answers the browser's
# preflight.
enable_cors() {
	local path=$1 rid=$2 methods=$3
	if ! has_method "$path" OPTIONS; then
		aws apigateway put-method --rest-api-id "$API_ID" --resource-id "$rid" --http-method OPTIONS \
			--authorization-type NONE >/dev/null
	fi
	aws apigateway put-integration --rest-api-id "$API_ID" --resource-id "$rid" --http-method OPTIONS \
		--type MOCK --request-templates '{"application/json": "{\"statusCode\": 200}"}' >/dev/null
	if ! method_response "$path" "$rid" OPTIONS; then
		aws apigateway put-method-response --rest-api-id "$API_ID" --resource-id "$rid" --http-method OPTIONS \
			--status-code 200 --response-models application/json=Empty --response-parameters \
			'{"method.response.header.Access-Control-Allow-Headers": false, "method.response.header.Access-Control-Allow-Methods": false, "method.response.header.Access-Control-Allow-Origin": false}' >/dev/null
	fi
	aws apigateway put-integration-response --rest-api-id "$API_ID" --resource-id "$rid" --http-method OPTIONS \
		--status-code 200 --response-templates '{"application/json": ""}' --response-parameters \
		'{"method.response.header.Access-Control-Allow-Headers": "'"'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token'"'", "method.response.header.Access-Control-Allow-Methods": "'"'$methods'"'", "method.response.header.Access-Control-Allow-Origin": "'"'*'"'"}' >/dev/null
}

step "methods of /notes, /notes/search and /notes/{id}, with CORS enabled"
lambda_method /notes "$NOTES" GET list api/list-request-templates.json api/notes-response-templates.json &
pids+=($!)
lambda_method /notes "$NOTES" POST createUpdate '' '' \
	--request-models application/json=NoteModel --request-validator-id "$VALIDATOR" &
pids+=($!)
lambda_method /notes/search "$SEARCH" GET search api/search-request-templates.json api/notes-response-templates.json &
pids+=($!)
lambda_method "/notes/{id}" "$NOTE" DELETE delete api/delete-request-templates.json '' &
pids+=($!)
lambda_method "/notes/{id}" "$NOTE" POST dictate api/dictate-request-templates.json '' &
pids+=($!)
enable_cors /notes "$NOTES" GET,POST,OPTIONS &
pids+=($!)
enable_cors /notes/search "$SEARCH" GET,OPTIONS &
pids+=($!)
enable_cors "/notes/{id}" "$NOTE" DELETE,POST,OPTIONS &
pids+=($!)
# Errors API Gateway answers itself (such as "Invalid request body") carry
# the CORS headers too, so the browser lets the page read them.
for type in DEFAULT_4XX DEFAULT_5XX; do
	aws apigateway put-gateway-response --rest-api-id "$API_ID" --response-type "$type" --response-parameters \
		'{"gatewayresponse.header.Access-Control-Allow-Origin": "'"'*'"'", "gatewayresponse.header.Access-Control-Allow-Headers": "'"'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token'"'", "gatewayresponse.header.Access-Control-Allow-Methods": "'"'DELETE,GET,OPTIONS,POST'"'"}' >/dev/null &
	pids+=($!)
done
finish

if [ -n "$ENDPOINT" ]; then
	INVOKE_URL=${ENDPOINT%/}/restapis/$API_ID/$STAGE/_user_request_
	WEB_URL=${ENDPOINT%/}/$WEB_BUCKET/index.html
else
	INVOKE_URL=https://$API_ID.execute-api.$REGION.amazonaws.com/$STAGE
	WEB_URL=https://$WEB_BUCKET.s3.$REGION.amazonaws.com/index.html
fi

step "deploying $API_NAME to stage $STAGE"
aws apigateway create-deployment --rest-api-id "$API_ID" --stage-name "$STAGE" >/dev/null &
pids+=($!)

# --- The web front end ------------------------------------------------------------
step "uploading the web front end to s3://$WEB_BUCKET"
mkdir -p "$BUILD/web"
cp web/* "$BUILD/web/"
printf '// Written by deploy.sh: where the web page finds PollyNotesAPI.\nwindow.POLLY_NOTES_API = "%s";\n' "$INVOKE_URL" >"$BUILD/web/config.js"
web() {
	aws s3 cp "$BUILD/web/" "s3://$WEB_BUCKET/" --recursive --quiet
	# Anyone may read the web site's files; the MP3 bucket stays private
	# (the page plays MP3s through pre-signed URLs).
	aws s3api put-bucket-policy --bucket "$WEB_BUCKET" --policy "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"PublicRead\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::$WEB_BUCKET/*\"}]}"
}
web &
pids+=($!)
finish

cat <<EOF

Polly Notes is deployed.
  API invoke URL: $INVOKE_URL
  Web front end:  $WEB_URL
  Table:          $TABLE_NAME    MP3 bucket: $MP3_BUCKET
EOF
